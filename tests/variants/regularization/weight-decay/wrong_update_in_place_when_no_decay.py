# expect: failed only update_does_not_modify_inputs
"""With wd == 0 takes d2l's plain SGD shortcut w.sub_(lr * grad) and returns w: an in-place change only when there is no decay."""
import torch
from torch import nn


def l2_penalty(w):
    return (w * w).sum() / 2


def l1_penalty(w):
    return w.abs().sum()


def weight_decay_update(w, grad, lr, wd):
    if lr * wd == 0:
        w.sub_(lr * grad)
        return w
    return (1 - lr * wd) * w - lr * grad


def make_weight_decay_optimizer(model, lr, wd):
    decay, no = [], []
    for n, p in model.named_parameters():
        (no if n.endswith("bias") else decay).append(p)
    return torch.optim.SGD([{"params": decay, "weight_decay": wd}, {"params": no, "weight_decay": 0.0}], lr=lr)
