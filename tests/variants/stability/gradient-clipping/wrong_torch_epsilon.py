# expect: failed only clip_factor_is_exactly_theta_over_norm
"""Copies torch's factor theta / (norm + 1e-6)."""

from typing import Iterable

import torch


def clip_grad_norm_(params: Iterable[torch.Tensor], theta: float) -> float:
    # One list first: a generator such as model.parameters() can be walked only once.
    grads = [p.grad for p in params if p.requires_grad and p.grad is not None]
    # Sum the squares in float64 so that mixed float32/float64 gradients add up exactly.
    norm = sum(float(g.detach().double().pow(2).sum()) for g in grads) ** 0.5
    if norm > theta:
        factor = theta / (norm + 1e-6)
        for g in grads:
            # In place, with one factor for every parameter: the direction is kept.
            g.mul_(factor)
    return float(norm)
