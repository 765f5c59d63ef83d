# expect: failed only l2_penalty_is_half_the_sum_of_squares, l2_gradient_is_w
"""The L2 penalty as half the norm, ||w|| / 2, instead of half its square."""
import torch
from torch import nn


def l2_penalty(w):
    return torch.linalg.vector_norm(w) / 2


def l1_penalty(w):
    return w.abs().sum()


def weight_decay_update(w, grad, lr, wd):
    return (1.0 - lr * wd) * w - lr * grad


def make_weight_decay_optimizer(model, lr, wd):
    decay, no = [], []
    for n, p in model.named_parameters():
        (no if n.endswith("bias") else decay).append(p)
    return torch.optim.SGD([{"params": decay, "weight_decay": wd}, {"params": no, "weight_decay": 0.0}], lr=lr)
