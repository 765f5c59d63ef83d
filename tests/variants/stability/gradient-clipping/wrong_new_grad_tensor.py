# expect: failed only scales_grads_in_place
"""Replaces each .grad with a new tensor (p.grad = p.grad * factor) instead of scaling in place."""

from typing import Iterable

import torch


def clip_grad_norm_(params: Iterable[torch.Tensor], theta: float) -> float:
    # One list first: a generator such as model.parameters() can be walked only once.
    params = [p for p in params if p.requires_grad and p.grad is not None]
    grads = [p.grad for p in params]
    # Sum the squares in float64 so that mixed float32/float64 gradients add up exactly.
    norm = sum(float(g.detach().double().pow(2).sum()) for g in grads) ** 0.5
    if norm > theta:
        factor = theta / norm
        for p in params:
            # In place, with one factor for every parameter: the direction is kept.
            p.grad = p.grad * factor
    return float(norm)
