# expect: failed every_parameter_exactly_once
"""Collects m.weight and m.bias of every module: the tied weight is listed twice and the bare 'scale' is missed."""
import torch
from torch import nn


def l2_penalty(w):
    return (w * w).sum() / 2


def l1_penalty(w):
    return w.abs().sum()


def weight_decay_update(w, grad, lr, wd):
    return (1.0 - lr * wd) * w - lr * grad


def make_weight_decay_optimizer(model, lr, wd):
    decay, no = [], []
    for m in model.modules():
        if getattr(m, "weight", None) is not None:
            decay.append(m.weight)
        if getattr(m, "bias", None) is not None:
            no.append(m.bias)
    return torch.optim.SGD([{"params": decay, "weight_decay": wd}, {"params": no, "weight_decay": 0.0}], lr=lr)
