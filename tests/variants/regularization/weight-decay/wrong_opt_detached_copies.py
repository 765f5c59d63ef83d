# expect: failed every_parameter_exactly_once, step_decays_weights_and_not_biases
"""Hands the optimizer p.detach().requires_grad_() copies: opt.step() never changes the model."""
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
    for n, p in model.named_parameters():
        (no if n.endswith("bias") else decay).append(p.detach().requires_grad_())
    return torch.optim.SGD([{"params": decay, "weight_decay": wd}, {"params": no, "weight_decay": 0.0}], lr=lr)
