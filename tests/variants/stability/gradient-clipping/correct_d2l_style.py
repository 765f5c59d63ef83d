# expect: passed
"""d2l's grad_clipping with only the departures the stub states: the parameters come in as
an iterable (made a list once), parameters without a .grad are skipped, the norm is
returned as a float, and the scaling uses mul_ instead of grad[:] so 0-d gradients work.
The empty case returns before torch.sqrt sees the int 0 of an empty sum."""
import torch


def clip_grad_norm_(params, theta):
    params = [p for p in params if p.requires_grad and p.grad is not None]
    if not params:
        return 0.0
    norm = torch.sqrt(sum(torch.sum((p.grad.double() ** 2)) for p in params))
    if norm > theta:
        for param in params:
            param.grad.mul_(theta / norm)
    return float(norm)
