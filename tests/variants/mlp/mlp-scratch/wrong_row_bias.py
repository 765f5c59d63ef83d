# expect: failed only init_returns_four_shaped_tensors, init_statistics
"""biases of shape (1, num_hiddens) and (1, num_outputs) instead of vectors."""

import torch


def init_mlp_params(num_inputs, num_hiddens, num_outputs, generator=None):
    W1 = (torch.randn(num_inputs, num_hiddens, generator=generator) * 0.01).requires_grad_()
    b1 = torch.zeros(1, num_hiddens, requires_grad=True)
    W2 = (torch.randn(num_hiddens, num_outputs, generator=generator) * 0.01).requires_grad_()
    b2 = torch.zeros(1, num_outputs, requires_grad=True)
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
