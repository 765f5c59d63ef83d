# expect: failed skips_params_without_grad_or_not_requiring_grad, no_grads_returns_zero
"""d2l's filter [p for p in params if p.requires_grad] only: a parameter whose .grad is None
crashes on None ** 2."""
import torch


def clip_grad_norm_(params, theta):
    params = [p for p in params if p.requires_grad]
    norm = float(sum(torch.sum(p.grad.double() ** 2) for p in params)) ** 0.5
    if norm > theta:
        for p in params:
            p.grad.mul_(theta / norm)
    return norm
