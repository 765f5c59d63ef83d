# expect: passed
"""Correct, written differently: numpy for the norm, g[...] *= factor (Ellipsis works on 0-d)."""
import math
import torch
def clip_grad_norm_(params, theta):
    grads = list(filter(lambda g: g is not None,
                        (p.grad if p.requires_grad else None for p in params)))
    sq = math.fsum(float((g.detach().cpu().double().numpy() ** 2).sum()) for g in grads)
    norm = math.sqrt(sq)
    factor = theta / norm if norm > theta else None
    if factor is not None:
        for g in grads:
            g[...] *= factor
    return norm
