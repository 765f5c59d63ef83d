# expect: passed
"""d2l-zh's mlp-scratch, turned into functions: nn.Parameter(torch.randn(..., requires_grad=True)
* 0.01) and nn.Parameter(torch.zeros(..., requires_grad=True)), d2l's own relu
(torch.max(X, zeros_like(X))) and net(X) with X.reshape((-1, num_inputs)) and @."""
import torch
from torch import nn


def init_mlp_params(num_inputs, num_hiddens, num_outputs, generator=None):
    W1 = nn.Parameter(torch.randn(
        num_inputs, num_hiddens, generator=generator, requires_grad=True) * 0.01)
    b1 = nn.Parameter(torch.zeros(num_hiddens, requires_grad=True))
    W2 = nn.Parameter(torch.randn(
        num_hiddens, num_outputs, generator=generator, requires_grad=True) * 0.01)
    b2 = nn.Parameter(torch.zeros(num_outputs, requires_grad=True))
    return [W1, b1, W2, b2]


def relu(X):
    a = torch.zeros_like(X)
    return torch.max(X, a)


def mlp_forward(X, params):
    W1, b1, W2, b2 = params
    num_inputs = W1.shape[0]
    X = X.reshape((-1, num_inputs))
    H = relu(X@W1 + b1)  # "@" means matrix multiplication
    return (H@W2 + b2)
