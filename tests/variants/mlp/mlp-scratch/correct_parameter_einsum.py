# expect: passed
"""nn.Parameter from Tensor.normal_(generator=...), flatten(start_dim=1), einsum and clamp."""

import torch
from torch import nn


def init_mlp_params(num_inputs, num_hiddens, num_outputs, generator=None):
    shapes = [(num_inputs, num_hiddens), (num_hiddens,), (num_hiddens, num_outputs), (num_outputs,)]
    params = []
    for shape in shapes:
        if len(shape) == 2:
            t = torch.empty(shape).normal_(0.0, 0.01, generator=generator)
        else:
            t = torch.zeros(shape)
        params.append(nn.Parameter(t))
    return params


def mlp_forward(X, params):
    W1, b1, W2, b2 = params
    X = X.flatten(start_dim=1)
    Z = torch.einsum("ni,ih->nh", X, W1) + b1
    H = Z.clamp(min=0)
    return torch.einsum("nh,ho->no", H, W2) + b2
