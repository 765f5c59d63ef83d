# expect: failed only no_grads_returns_zero
"""torch.sqrt(sum(...)) as in d2l: with no counted gradient, sum() is the int 0 and
torch.sqrt(0) raises a TypeError."""
import torch


def clip_grad_norm_(params, theta):
    params = [p for p in params if p.requires_grad and p.grad is not None]
    norm = torch.sqrt(sum(torch.sum(p.grad.double() ** 2) for p in params))
    if norm > theta:
        for p in params:
            p.grad.mul_(theta / norm)
    return float(norm)
