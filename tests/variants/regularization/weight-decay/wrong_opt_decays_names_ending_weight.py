# expect: failed only all_other_parameters_get_weight_decay, step_decays_weights_and_not_biases
"""Decays the parameters whose name ends with 'weight': a bare parameter such as 'scale' is left undecayed."""
import torch
from torch import nn


def l2_penalty(w):
    return (w * w).sum() / 2


def l1_penalty(w):
    return w.abs().sum()


def weight_decay_update(w, grad, lr, wd):
    return (1.0 - lr * wd) * w - lr * grad


def make_weight_decay_optimizer(model, lr, wd):
    decay = [p for n, p in model.named_parameters() if n.endswith("weight")]
    no = [p for n, p in model.named_parameters() if not n.endswith("weight")]
    return torch.optim.SGD([{"params": decay, "weight_decay": wd}, {"params": no, "weight_decay": 0.0}], lr=lr)
