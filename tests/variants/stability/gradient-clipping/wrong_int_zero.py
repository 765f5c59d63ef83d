# expect: failed only no_grads_returns_zero
"""Returns the int 0 (not 0.0) when there is nothing to clip."""
import torch
def clip_grad_norm_(params, theta):
    grads = [p.grad for p in params if p.requires_grad and p.grad is not None]
    if not grads:
        return 0
    norm = sum(float((g.double() ** 2).sum()) for g in grads) ** 0.5
    if norm > theta:
        for g in grads:
            g.mul_(theta / norm)
    return norm
