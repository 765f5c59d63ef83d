# expect: failed only scales_grads_in_place
"""p.grad.data = p.grad.data * factor: the same .grad object, but new memory."""
import torch
def clip_grad_norm_(params, theta):
    ps = [p for p in params if p.requires_grad and p.grad is not None]
    norm = sum(float((p.grad.double() ** 2).sum()) for p in ps) ** 0.5
    if norm > theta:
        for p in ps:
            p.grad.data = p.grad.data * (theta / norm)
    return norm
