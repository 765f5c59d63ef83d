# expect: failed layer_parameters_and_buffers, layer_matches_reference_after_loading_state_dict
"""gamma and beta of shape (C,) instead of (1, C) / (1, C, 1, 1): for a 4-D X they broadcast against the width."""

import torch
from torch import nn


def batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum, training):
    if X.dim() not in (2, 4):
        raise ValueError("X must be 2-D or 4-D")
    if not training:
        X_hat = (X - moving_mean) / torch.sqrt(moving_var + eps)
        return gamma * X_hat + beta, moving_mean, moving_var
    if X.dim() == 2:
        mean = X.mean(dim=0, keepdim=True)
        var = ((X - mean) ** 2).mean(dim=0, keepdim=True)
    else:
        mean = X.mean(dim=(0, 2, 3), keepdim=True)
        var = ((X - mean) ** 2).mean(dim=(0, 2, 3), keepdim=True)
    X_hat = (X - mean) / torch.sqrt(var + eps)
    new_mean = (1 - momentum) * moving_mean + momentum * mean.detach()
    new_var = (1 - momentum) * moving_var + momentum * var.detach()
    return gamma * X_hat + beta, new_mean, new_var


class BatchNorm(nn.Module):
    def __init__(self, num_features, num_dims, eps=1e-5, momentum=0.1):
        super().__init__()
        if num_dims not in (2, 4):
            raise ValueError("num_dims must be 2 or 4")
        shape = (1, num_features) if num_dims == 2 else (1, num_features, 1, 1)
        self.eps = eps
        self.momentum = momentum
        self.gamma = nn.Parameter(torch.ones(num_features))
        self.beta = nn.Parameter(torch.zeros(num_features))
        self.register_buffer("moving_mean", torch.zeros(shape))
        self.register_buffer("moving_var", torch.ones(shape))

    def forward(self, X):
        Y, new_mean, new_var = batch_norm(X, self.gamma, self.beta, self.moving_mean,
                                          self.moving_var, self.eps, self.momentum,
                                          self.training)
        if self.training:
            self.moving_mean = new_mean
            self.moving_var = new_var
        return Y
