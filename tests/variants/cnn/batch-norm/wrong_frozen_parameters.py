# expect: failed layer_parameters_and_buffers, layer_updates_buffers_in_training_only
"""Keeps the moving statistics as nn.Parameter(requires_grad=False) instead of buffers: they show up as parameters, and assigning the new tensors to them fails."""

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
        self.gamma = nn.Parameter(torch.ones(shape))
        self.beta = nn.Parameter(torch.zeros(shape))
        self.moving_mean = nn.Parameter(torch.zeros(shape), requires_grad=False)
        self.moving_var = nn.Parameter(torch.ones(shape), requires_grad=False)

    def forward(self, X):
        Y, new_mean, new_var = batch_norm(X, self.gamma, self.beta, self.moving_mean,
                                          self.moving_var, self.eps, self.momentum,
                                          self.training)
        if self.training:
            self.moving_mean = new_mean
            self.moving_var = new_var
        return Y
