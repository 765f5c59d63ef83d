# expect: failed only float64_grads_keep_float64_precision
"""Scales through a float32 copy (g.copy_(g.float() * f)): float64 grads keep their dtype
but lose precision."""
import torch
def clip_grad_norm_(params, theta):
    grads = [p.grad for p in params if p.requires_grad and p.grad is not None]
    norm = sum(float((g.double() ** 2).sum()) for g in grads) ** 0.5
    if norm > theta:
        for g in grads:
            g.copy_(g.float() * (theta / norm))
    return norm
