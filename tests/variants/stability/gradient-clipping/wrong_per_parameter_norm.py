# expect: failed above_threshold_global_norm_becomes_theta, direction_and_ratios_preserved
"""Clips each parameter's gradient by its own norm instead of the global norm."""

from typing import Iterable

import torch


def clip_grad_norm_(params: Iterable[torch.Tensor], theta: float) -> float:
    # One list first: a generator such as model.parameters() can be walked only once.
    grads = [p.grad for p in params if p.requires_grad and p.grad is not None]
    # Sum the squares in float64 so that mixed float32/float64 gradients add up exactly.
    norm = sum(float(g.detach().double().pow(2).sum()) for g in grads) ** 0.5
    for g in grads:
        own = float(g.detach().double().norm())
        if own > theta:
            g.mul_(theta / own)
    return float(norm)
