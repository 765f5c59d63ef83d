# expect: passed
"""Correct, written differently: a flattened dot product, w * sign(w), a clone updated in place, and groups built from named_modules() with the tied weight skipped by identity."""
import torch
from torch import nn


def l2_penalty(w):
    f = w.reshape(-1)
    return torch.dot(f, f) * 0.5


def l1_penalty(w):
    return (w * torch.sign(w)).sum()


def weight_decay_update(w, grad, lr, wd):
    new = w.clone()
    new.mul_(1 - lr * wd).sub_(grad, alpha=lr)
    return new


def make_weight_decay_optimizer(model, lr, wd):
    seen, groups = set(), {True: [], False: []}
    for mname, m in model.named_modules():
        for pname, p in m.named_parameters(recurse=False):
            if id(p) in seen:
                continue
            seen.add(id(p))
            groups[pname.endswith("bias")].append(p)
    return torch.optim.SGD([{"params": groups[True], "weight_decay": 0.0}, {"params": groups[False], "weight_decay": wd}], lr=lr, momentum=0)
