# expect: failed only forward_values
""".squeeze() after flattening: a batch of one loses its batch dimension."""

import torch


def init_mlp_params(num_inputs: int, num_hiddens: int, num_outputs: int,
                    generator: torch.Generator | None = None) -> list[torch.Tensor]:
    # Scale first, then mark as trainable: requires_grad_() on the finished tensor keeps it a
    # leaf (randn(..., requires_grad=True) * 0.01 would be the output of a multiplication).
    W1 = (torch.randn(num_inputs, num_hiddens, generator=generator) * 0.01).requires_grad_()
    b1 = torch.zeros(num_hiddens, requires_grad=True)
    W2 = (torch.randn(num_hiddens, num_outputs, generator=generator) * 0.01).requires_grad_()
    b2 = torch.zeros(num_outputs, requires_grad=True)
    return [W1, b1, W2, b2]


def _relu(X: torch.Tensor) -> torch.Tensor:
    return torch.maximum(X, torch.zeros_like(X))


def mlp_forward(X, params):
    W1, b1, W2, b2 = params
    X = X.reshape(X.shape[0], W1.shape[0]).squeeze()
    H = _relu(X @ W1 + b1)
    return H @ W2 + b2

