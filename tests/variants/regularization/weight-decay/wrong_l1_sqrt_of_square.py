# expect: failed only l1_gradient_is_sign_and_zero_at_zero
"""|w| written as sqrt(w ** 2): the right values, but the gradient at w == 0 is NaN."""

import torch
from torch import nn


def l2_penalty(w: torch.Tensor) -> torch.Tensor:
    # The 1/2 makes the gradient w itself, so the SGD step decays by lr * wd * w.
    return (w * w).sum() / 2


def l1_penalty(w: torch.Tensor) -> torch.Tensor:
    # abs has the subgradient sign(w), which autograd takes as 0 at w == 0.
    return torch.sqrt(w * w).sum()


def weight_decay_update(w: torch.Tensor, grad: torch.Tensor, lr: float,
                        wd: float) -> torch.Tensor:
    # Python-float factors keep w's dtype (a float16 w stays float16), and nothing is
    # written in place: w and grad are the caller's.
    return (1.0 - lr * wd) * w - lr * grad


def make_weight_decay_optimizer(model: nn.Module, lr: float, wd: float) -> torch.optim.SGD:
    decay, no_decay = [], []
    # named_parameters() lists a shared (tied) parameter once, under its first name.
    for name, param in model.named_parameters():
        (no_decay if name.endswith("bias") else decay).append(param)
    groups = [{"params": decay, "weight_decay": wd},
              {"params": no_decay, "weight_decay": 0.0}]
    return torch.optim.SGD([g for g in groups if g["params"]], lr=lr, momentum=0.0)
