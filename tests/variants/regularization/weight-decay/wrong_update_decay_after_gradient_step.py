# expect: failed only update_is_decay_then_gradient_step
"""Shrinks after the gradient step: (1 - lr*wd) * (w - lr*grad), which also shrinks the gradient step."""
import torch
from torch import nn


def l2_penalty(w):
    return (w * w).sum() / 2


def l1_penalty(w):
    return w.abs().sum()


def weight_decay_update(w, grad, lr, wd):
    return (1 - lr * wd) * (w - lr * grad)


def make_weight_decay_optimizer(model, lr, wd):
    decay, no = [], []
    for n, p in model.named_parameters():
        (no if n.endswith("bias") else decay).append(p)
    return torch.optim.SGD([{"params": decay, "weight_decay": wd}, {"params": no, "weight_decay": 0.0}], lr=lr)
