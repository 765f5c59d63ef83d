# expect: failed only accepts_a_one_shot_generator
"""d2l's grad_clipping applied to params directly: it walks params once for the norm and
once more for the scaling, so a one-shot generator has nothing left for the second loop."""
import torch


def clip_grad_norm_(params, theta):
    counted = lambda p: p.requires_grad and p.grad is not None  # noqa: E731
    norm = sum(float(torch.sum(p.grad.double() ** 2)) for p in params if counted(p)) ** 0.5
    if norm > theta:
        for p in params:
            if counted(p):
                p.grad.mul_(theta / norm)
    return float(norm)
