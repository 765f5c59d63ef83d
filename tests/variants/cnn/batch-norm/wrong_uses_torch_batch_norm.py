# expect: failed training_normalizes_each_feature
"""Calls torch.nn.functional.batch_norm, which the exercise forbids."""
import torch
import torch.nn.functional as F
from torch import nn


def batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum, training):
    if X.dim() not in (2, 4):
        raise ValueError("rank")
    rm, rv = moving_mean.reshape(-1).clone(), moving_var.reshape(-1).clone()
    Y = F.batch_norm(X, rm, rv, gamma.reshape(-1), beta.reshape(-1), training, momentum, eps)
    return Y, rm.reshape(moving_mean.shape), rv.reshape(moving_var.shape)


class BatchNorm(nn.Module):
    def __init__(self, num_features, num_dims, eps=1e-5, momentum=0.1):
        super().__init__()
        if num_dims not in (2, 4):
            raise ValueError("num_dims")
        shape = (1, num_features) if num_dims == 2 else (1, num_features, 1, 1)
        self.eps, self.momentum = eps, momentum
        self.gamma = nn.Parameter(torch.ones(shape))
        self.beta = nn.Parameter(torch.zeros(shape))
        self.register_buffer("moving_mean", torch.zeros(shape))
        self.register_buffer("moving_var", torch.ones(shape))

    def forward(self, X):
        Y, m, v = batch_norm(X, self.gamma, self.beta, self.moving_mean, self.moving_var,
                             self.eps, self.momentum, self.training)
        if self.training:
            self.moving_mean, self.moving_var = m, v
        return Y
