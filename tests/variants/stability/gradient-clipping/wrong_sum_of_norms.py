# expect: failed returns_the_norm_before_clipping, above_threshold_global_norm_becomes_theta
"""Adds the per-parameter norms (an L1 of the norms) instead of sqrt of the sum of squares."""
import torch
def clip_grad_norm_(params, theta):
    grads = [p.grad for p in params if p.requires_grad and p.grad is not None]
    norm = sum(float(g.double().norm()) for g in grads)
    if norm > theta:
        for g in grads:
            g.mul_(theta / norm)
    return norm
