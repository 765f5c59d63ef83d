# expect: passed
"""d2l's batch_norm and BatchNorm (batch-norm.md) with only the departures the stub states:
a `training` argument instead of torch.is_grad_enabled(), d2l-en's momentum naming
(weight of the new batch), registered buffers instead of plain attributes, eps and momentum
as layer arguments, and ValueError instead of assert."""
import torch
from torch import nn


def batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum, training):
    if len(X.shape) not in (2, 4):
        raise ValueError("X must be 2-D or 4-D")
    # Decide between training and prediction mode
    if not training:
        # In prediction mode, use the mean and variance obtained by moving average
        X_hat = (X - moving_mean) / torch.sqrt(moving_var + eps)
    else:
        if len(X.shape) == 2:
            # When using a fully connected layer, calculate the mean and variance on the
            # feature dimension
            mean = X.mean(dim=0)
            var = ((X - mean) ** 2).mean(dim=0)
        else:
            # When using a two-dimensional convolutional layer, calculate the mean and
            # variance on the channel dimension (axis=1). Here we need to maintain the
            # shape of X, so that the broadcasting operation can be carried out later
            mean = X.mean(dim=(0, 2, 3), keepdim=True)
            var = ((X - mean) ** 2).mean(dim=(0, 2, 3), keepdim=True)
        # In training mode, the current mean and variance are used
        X_hat = (X - mean) / torch.sqrt(var + eps)
        # Update the mean and variance using moving average
        moving_mean = (1.0 - momentum) * moving_mean + momentum * mean
        moving_var = (1.0 - momentum) * moving_var + momentum * var
    Y = gamma * X_hat + beta  # Scale and shift
    return Y, moving_mean.data, moving_var.data


class BatchNorm(nn.Module):
    # num_features: the number of outputs for a fully connected layer or the number of
    # output channels for a convolutional layer. num_dims: 2 for a fully connected layer
    # and 4 for a convolutional layer
    def __init__(self, num_features, num_dims, eps=1e-5, momentum=0.1):
        super().__init__()
        if num_dims == 2:
            shape = (1, num_features)
        elif num_dims == 4:
            shape = (1, num_features, 1, 1)
        else:
            raise ValueError("num_dims must be 2 or 4")
        self.eps, self.momentum = eps, momentum
        # The scale parameter and the shift parameter (model parameters) are initialized
        # to 1 and 0, respectively
        self.gamma = nn.Parameter(torch.ones(shape))
        self.beta = nn.Parameter(torch.zeros(shape))
        # The variables that are not model parameters are initialized to 0 and 1
        self.register_buffer("moving_mean", torch.zeros(shape))
        self.register_buffer("moving_var", torch.ones(shape))

    def forward(self, X):
        # Save the updated moving_mean and moving_var
        Y, moving_mean, moving_var = batch_norm(
            X, self.gamma, self.beta, self.moving_mean, self.moving_var,
            eps=self.eps, momentum=self.momentum, training=self.training)
        if self.training:
            self.moving_mean, self.moving_var = moving_mean, moving_var
        return Y
