# expect: failed only float64_grads_keep_float64_precision
"""Accumulates the squared norm in a float32 0-d buffer: float64 grads lose precision."""
import torch
def clip_grad_norm_(params, theta):
    grads = [p.grad for p in params if p.requires_grad and p.grad is not None]
    total = torch.zeros(())
    for g in grads:
        total += (g ** 2).sum()
    norm = float(total.sqrt())
    if norm > theta:
        for g in grads:
            g.mul_(theta / norm)
    return norm
