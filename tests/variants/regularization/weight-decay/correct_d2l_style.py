# expect: passed
"""d2l's weight decay with only the departures the stub states: d2l's l2_penalty
(torch.sum(w.pow(2)) / 2), an L1 penalty from torch.abs, d2l's SGD step
w - lr * (grad + wd * w) returned as a new tensor instead of written with -=, and d2l's
concise two-group SGD ({"params": weights, "weight_decay": wd}, {"params": biases})
generalised from net[0] to every parameter of the model, chosen by name."""
import torch
from torch import nn


def l2_penalty(w):
    return torch.sum(w.pow(2)) / 2


def l1_penalty(w):
    return torch.sum(torch.abs(w))


def weight_decay_update(w, grad, lr, wd):
    return w - lr * (grad + wd * w)


def make_weight_decay_optimizer(model, lr, wd):
    weights = [p for name, p in model.named_parameters() if not name.endswith("bias")]
    biases = [p for name, p in model.named_parameters() if name.endswith("bias")]
    # As in d2l, the bias group has no weight_decay key and gets SGD's default, 0.
    return torch.optim.SGD([{"params": weights, "weight_decay": wd},
                            {"params": biases}], lr=lr)
