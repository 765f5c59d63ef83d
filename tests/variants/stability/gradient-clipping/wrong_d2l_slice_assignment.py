# expect: failed only mixed_dtypes_and_0d_parameters
"""Scales with d2l's param.grad[:] *= theta / norm: a 0-d gradient cannot be sliced."""
import torch


def clip_grad_norm_(params, theta):
    params = [p for p in params if p.requires_grad and p.grad is not None]
    norm = sum(float(torch.sum(p.grad.double() ** 2)) for p in params) ** 0.5
    if norm > theta:
        for p in params:
            p.grad[:] *= theta / norm
    return float(norm)
