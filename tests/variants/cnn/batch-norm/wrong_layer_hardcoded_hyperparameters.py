# expect: failed layer_matches_reference_after_loading_state_dict, layer_updates_buffers_in_training_only
"""Like d2l's layer, ignores its eps and momentum arguments and always uses 1e-5 and 0.1."""

import torch
from torch import nn


def batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum, training):
    if X.dim() not in (2, 4):
        raise ValueError(f"batch_norm expects a 2-D (N, C) or 4-D (N, C, H, W) input, "
                         f"got {X.dim()}-D")
    if not training:
        # Inference: the statistics gathered during training stand in for the batch's, so
        # each example is normalized on its own (a batch of one works) and nothing changes.
        X_hat = (X - moving_mean) / torch.sqrt(moving_var + eps)
        return gamma * X_hat + beta, moving_mean, moving_var
    # Per feature (2-D) or per channel over the batch and every pixel (4-D); keepdim gives
    # the (1, C) / (1, C, 1, 1) shapes that broadcast against X and the moving statistics.
    dims = (0,) if X.dim() == 2 else (0, 2, 3)
    mean = X.mean(dim=dims, keepdim=True)
    # The biased variance (divide by m): with one value per channel it is 0, not NaN, and
    # X - mean is 0, so Y = beta.
    var = ((X - mean) ** 2).mean(dim=dims, keepdim=True)
    X_hat = (X - mean) / torch.sqrt(var + eps)
    # d2l-en / PyTorch naming: momentum is the weight of the new batch. The statistics are
    # detached: they are running estimates, not part of the graph of this step's loss.
    new_mean = (1.0 - momentum) * moving_mean + momentum * mean.detach()
    new_var = (1.0 - momentum) * moving_var + momentum * var.detach()
    return gamma * X_hat + beta, new_mean, new_var


class BatchNorm(nn.Module):
    def __init__(self, num_features, num_dims, eps=1e-5, momentum=0.1):
        super().__init__()
        if num_dims not in (2, 4):
            raise ValueError(f"num_dims must be 2 (dense) or 4 (convolution), got {num_dims}")
        shape = (1, num_features) if num_dims == 2 else (1, num_features, 1, 1)
        self.eps, self.momentum = eps, momentum
        # The scale and shift are learned, so they are Parameters.
        self.gamma = nn.Parameter(torch.ones(shape))
        self.beta = nn.Parameter(torch.zeros(shape))
        # The moving statistics are state, not parameters: buffers are saved in the
        # state_dict and follow .to(device) / .double(), but the optimizer never sees them.
        self.register_buffer("moving_mean", torch.zeros(shape))
        self.register_buffer("moving_var", torch.ones(shape))

    def forward(self, X):
        Y, new_mean, new_var = batch_norm(X, self.gamma, self.beta, self.moving_mean,
                                          self.moving_var, 1e-5, 0.1,
                                          self.training)
        if self.training:
            # Assigning a tensor to a registered buffer's name replaces the buffer.
            self.moving_mean, self.moving_var = new_mean, new_var
        return Y
