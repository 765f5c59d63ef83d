# expect: passed
"""Correct, written differently: the penalties from flattened dot products and sign, the
update with Tensor.mul and Tensor.sub(alpha=...), and the optimizer built from a dict of
groups added one by one with add_param_group (biases first)."""
import torch


def l2_penalty(w):
    flat = w.reshape(-1)
    return torch.dot(flat, flat) * 0.5


def l1_penalty(w):
    # d|w|/dw = sign(w) + w * 0 = sign(w): sign has a zero gradient everywhere.
    return (w * torch.sign(w)).sum()


def weight_decay_update(w, grad, lr, wd):
    return w.mul(1 - lr * wd).sub(grad, alpha=lr)


def make_weight_decay_optimizer(model, lr, wd):
    groups = {"no_decay": [], "decay": []}
    for name, param in model.named_parameters():
        groups["no_decay" if name.rsplit(".", 1)[-1] == "bias" or name == "bias"
               else "decay"].append(param)
    opt = torch.optim.SGD(groups["no_decay"], lr=lr, weight_decay=0)
    if groups["decay"]:
        opt.add_param_group({"params": groups["decay"], "weight_decay": wd})
    return opt
