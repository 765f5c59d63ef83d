# expect: failed above_threshold_global_norm_becomes_theta, direction_and_ratios_preserved
"""Clips each entry to [-theta, theta] (clip_grad_value_) instead of the global norm."""
import torch
def clip_grad_norm_(params, theta):
    grads = [p.grad for p in params if p.requires_grad and p.grad is not None]
    norm = sum(float((g.double() ** 2).sum()) for g in grads) ** 0.5
    if norm > theta:
        for g in grads:
            g.clamp_(-theta, theta)
    return norm
