# expect: failed only no_grads_returns_zero
"""Global norm from torch.cat of the flattened grads: with no counted grads, cat([]) fails."""
import torch
def clip_grad_norm_(params, theta):
    grads = [p.grad for p in params if p.requires_grad and p.grad is not None]
    norm = float(torch.cat([g.reshape(-1) for g in grads]).double().norm())
    if norm > theta:
        for g in grads:
            g.mul_(theta / norm)
    return norm
