# expect: failed above_threshold_global_norm_becomes_theta
"""Scales by norm / theta (the factor upside down)."""
import torch
def clip_grad_norm_(params, theta):
    grads = [p.grad for p in params if p.requires_grad and p.grad is not None]
    norm = sum(float((g.double() ** 2).sum()) for g in grads) ** 0.5
    if norm > theta:
        for g in grads:
            g.mul_(norm / theta)
    return norm
