# expect: failed returns_the_norm_before_clipping
"""Measures the norm of the parameters instead of their gradients."""
import torch
def clip_grad_norm_(params, theta):
    ps = [p for p in params if p.requires_grad and p.grad is not None]
    norm = sum(float((p.detach().double() ** 2).sum()) for p in ps) ** 0.5
    if norm > theta:
        for p in ps:
            p.grad.mul_(theta / norm)
    return norm
