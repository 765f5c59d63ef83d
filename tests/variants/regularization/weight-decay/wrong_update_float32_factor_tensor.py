# expect: failed only update_keeps_shape_and_dtype[float16], update_keeps_shape_and_dtype[bfloat16]
"""The decay factor as a float32 tensor of w's shape: a float16 or bfloat16 w comes back float32."""
import torch
from torch import nn


def l2_penalty(w):
    return (w * w).sum() / 2


def l1_penalty(w):
    return w.abs().sum()


def weight_decay_update(w, grad, lr, wd):
    f = torch.full(w.shape, 1 - lr * wd, dtype=torch.float32, device=w.device)
    return f * w - lr * grad


def make_weight_decay_optimizer(model, lr, wd):
    decay, no = [], []
    for n, p in model.named_parameters():
        (no if n.endswith("bias") else decay).append(p)
    return torch.optim.SGD([{"params": decay, "weight_decay": wd}, {"params": no, "weight_decay": 0.0}], lr=lr)
