# expect: failed only init_statistics
"""a uniform draw on [-0.01 sqrt(3), 0.01 sqrt(3)]: mean 0 and standard deviation 0.01, but not normal."""

import torch


def init_mlp_params(num_inputs, num_hiddens, num_outputs, generator=None):
    W1 = ((torch.rand(num_inputs, num_hiddens, generator=generator) * 2 - 1) * 0.01 * 3 ** 0.5).requires_grad_()
    b1 = torch.zeros(num_hiddens, requires_grad=True)
    W2 = ((torch.rand(num_hiddens, num_outputs, generator=generator) * 2 - 1) * 0.01 * 3 ** 0.5).requires_grad_()
    b2 = torch.zeros(num_outputs, requires_grad=True)
    return [W1, b1, W2, b2]


def _relu(X: torch.Tensor) -> torch.Tensor:
    return torch.maximum(X, torch.zeros_like(X))


def mlp_forward(X: torch.Tensor, params: list[torch.Tensor]) -> torch.Tensor:
    W1, b1, W2, b2 = params
    # Keep the batch dimension, flatten the rest: (n, 1, 28, 28) -> (n, 784).
    X = X.reshape(X.shape[0], W1.shape[0])
    H = _relu(X @ W1 + b1)
    # Raw scores: the loss applies the softmax.
    return H @ W2 + b2
