# expect: passed
"""Correct, written differently: torch.var_mean(correction=0), rsqrt, the moving averages as moving + momentum * (batch - moving) under no_grad, and the layer copies them into its buffers in place."""

import torch
from torch import nn


def batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum, training):
    rank = X.ndim
    if rank == 2:
        dims = [0]
    elif rank == 4:
        dims = [0, 2, 3]
    else:
        raise ValueError(f"expected a 2-D or 4-D input, got {rank}-D")
    if training:
        var, mean = torch.var_mean(X, dim=dims, correction=0, keepdim=True)
        scale = torch.rsqrt(var + eps)
        Y = (X - mean) * scale * gamma + beta
        with torch.no_grad():
            new_mean = moving_mean + momentum * (mean - moving_mean)
            new_var = moving_var + momentum * (var - moving_var)
        return Y, new_mean, new_var
    Y = gamma * (X - moving_mean) * torch.rsqrt(moving_var + eps) + beta
    return Y, moving_mean, moving_var


class BatchNorm(nn.Module):
    def __init__(self, num_features, num_dims, eps=1e-5, momentum=0.1):
        super().__init__()
        shapes = {2: (1, num_features), 4: (1, num_features, 1, 1)}
        if num_dims not in shapes:
            raise ValueError("num_dims must be 2 or 4")
        shape = shapes[num_dims]
        self.eps, self.momentum = float(eps), float(momentum)
        self.register_parameter("gamma", nn.Parameter(torch.ones(*shape)))
        self.register_parameter("beta", nn.Parameter(torch.zeros(*shape)))
        self.register_buffer("moving_mean", torch.zeros(*shape))
        self.register_buffer("moving_var", torch.ones(*shape))

    def forward(self, X):
        Y, mean, var = batch_norm(X, self.gamma, self.beta, self.moving_mean, self.moving_var,
                                  self.eps, self.momentum, self.training)
        if self.training:
            with torch.no_grad():
                self.moving_mean.copy_(mean)
                self.moving_var.copy_(var)
        return Y
