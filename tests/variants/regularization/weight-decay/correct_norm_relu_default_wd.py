# expect: passed
"""Correct, written differently: vector_norm squared, |w| as relu(w) + relu(-w) (gradient 0 at 0), torch.add(alpha=-lr), and SGD's own weight_decay=wd default overridden to 0 in the bias group."""
import torch
from torch import nn


def l2_penalty(w):
    return torch.linalg.vector_norm(w) ** 2 / 2


def l1_penalty(w):
    return (torch.relu(w) + torch.relu(-w)).sum()


def weight_decay_update(w, grad, lr, wd):
    return torch.add(w, grad.add(w, alpha=wd), alpha=-lr)


def make_weight_decay_optimizer(model, lr, wd):
    named = list(model.named_parameters())
    no = [p for n, p in named if n.endswith("bias")]
    decay = [p for n, p in named if not n.endswith("bias")]
    groups = [{"params": decay}]
    if no:
        groups.append({"params": no, "weight_decay": 0})
    return torch.optim.SGD(groups, lr, weight_decay=wd)
