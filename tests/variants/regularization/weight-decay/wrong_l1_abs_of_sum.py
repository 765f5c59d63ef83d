# expect: failed only l1_penalty_is_the_sum_of_absolute_values, l1_gradient_is_sign_and_zero_at_zero
"""|sum(w)| instead of sum(|w|): signs cancel before the absolute value."""
import torch
from torch import nn


def l2_penalty(w):
    return (w * w).sum() / 2


def l1_penalty(w):
    return w.sum().abs()


def weight_decay_update(w, grad, lr, wd):
    return (1.0 - lr * wd) * w - lr * grad


def make_weight_decay_optimizer(model, lr, wd):
    decay, no = [], []
    for n, p in model.named_parameters():
        (no if n.endswith("bias") else decay).append(p)
    return torch.optim.SGD([{"params": decay, "weight_decay": wd}, {"params": no, "weight_decay": 0.0}], lr=lr)
