# expect: failed only skips_params_without_grad_or_not_requiring_grad
"""Counts only trainable grads in the norm but scales every .grad, frozen ones included."""
import torch
def clip_grad_norm_(params, theta):
    params = list(params)
    counted = [p.grad for p in params if p.requires_grad and p.grad is not None]
    norm = sum(float((g.double() ** 2).sum()) for g in counted) ** 0.5
    if norm > theta:
        for p in params:
            if p.grad is not None:
                p.grad.mul_(theta / norm)
    return norm
