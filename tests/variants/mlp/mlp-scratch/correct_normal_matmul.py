# expect: passed
"""Correct, written differently: torch.normal with the generator and detach-free leaves built
by torch.empty(...).normal_(), flatten(1), torch.matmul, torch.relu and addition of b via
broadcasting after an explicit unsqueeze."""
import torch


def init_mlp_params(num_inputs, num_hiddens, num_outputs, generator=None):
    W1 = torch.empty(num_inputs, num_hiddens).normal_(0.0, 0.01, generator=generator)
    W2 = torch.normal(0.0, 0.01, size=(num_hiddens, num_outputs), generator=generator)
    b1 = torch.zeros(num_hiddens)
    b2 = torch.zeros(num_outputs)
    params = [W1, b1, W2, b2]
    for p in params:
        p.requires_grad_(True)
    return params


def mlp_forward(X, params):
    W1, b1, W2, b2 = params
    flat = X.flatten(1) if X.dim() > 2 else X
    hidden = torch.relu(torch.matmul(flat, W1) + b1.unsqueeze(0))
    return torch.matmul(hidden, W2) + b2.unsqueeze(0)
