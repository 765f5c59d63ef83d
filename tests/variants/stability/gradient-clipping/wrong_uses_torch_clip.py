# expect: failed returns_the_norm_before_clipping
"""Calls torch's clip_grad_norm_, which the exercise forbids."""
import torch


def clip_grad_norm_(params, theta):
    return float(torch.nn.utils.clip_grad_norm_(list(params), theta))
