# expect: passed
"""Correct, written differently: X.var(unbiased=False), rsqrt, torch.lerp for the moving
averages (lerp(moving, batch, momentum) = moving + momentum * (batch - moving)), the buffers
updated in place with copy_ under no_grad, and the mode passed by keyword."""
import torch
from torch import nn


def batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum, training):
    if X.ndim == 2:
        dims = [0]
    elif X.ndim == 4:
        dims = [0, 2, 3]
    else:
        raise ValueError(f"expected a 2-D or 4-D input, got {X.ndim}-D")
    if training:
        mu = X.mean(dims, keepdim=True)
        sigma2 = X.var(dims, unbiased=False, keepdim=True)
        with torch.no_grad():
            new_mean = torch.lerp(moving_mean, mu.to(moving_mean.dtype), momentum)
            new_var = torch.lerp(moving_var, sigma2.to(moving_var.dtype), momentum)
    else:
        mu, sigma2, new_mean, new_var = moving_mean, moving_var, moving_mean, moving_var
    Y = (X - mu) * torch.rsqrt(sigma2 + eps) * gamma + beta
    return Y, new_mean, new_var


class BatchNorm(nn.Module):
    def __init__(self, num_features, num_dims, eps=1e-5, momentum=0.1):
        super().__init__()
        if num_dims not in (2, 4):
            raise ValueError("num_dims must be 2 or 4")
        shape = [1, num_features] + [1] * (num_dims - 2)
        self.eps = eps
        self.momentum = momentum
        self.gamma = nn.Parameter(torch.ones(shape))
        self.beta = nn.Parameter(torch.zeros(shape))
        self.register_buffer("moving_mean", torch.zeros(shape))
        self.register_buffer("moving_var", torch.ones(shape))

    def forward(self, X):
        Y, m, v = batch_norm(X, self.gamma, self.beta, self.moving_mean, self.moving_var,
                             self.eps, self.momentum, training=self.training)
        if self.training:
            with torch.no_grad():
                self.moving_mean.copy_(m)
                self.moving_var.copy_(v)
        return Y
