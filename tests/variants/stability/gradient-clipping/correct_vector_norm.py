# expect: passed
"""Correct, written differently: per-parameter norms from torch.linalg.vector_norm in
float64, combined with a second vector_norm, and a factor applied with
torch.Tensor.mul_ of a Python float; the iterable is consumed by a generator expression
into a tuple."""
import torch


def clip_grad_norm_(params, theta):
    grads = tuple(p.grad for p in params if p.requires_grad and p.grad is not None)
    if len(grads) == 0:
        return 0.0
    norms = torch.stack([torch.linalg.vector_norm(g.detach().to(torch.float64).cpu())
                         for g in grads])
    total = torch.linalg.vector_norm(norms).item()
    if total > theta:
        scale = theta / total
        for g in grads:
            g.mul_(scale)
    return total
