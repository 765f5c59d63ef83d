# expect: failed uniform_has_xavier_variance, fans_of_linear_and_conv2d_weights
"""Wraps torch.nn.init's own Xavier functions and fan helper, which the exercise forbids."""
import torch
from torch import nn
from torch.nn import init


def fan_in_and_fan_out(tensor):
    fans = getattr(init, "_calculate_fan_in_and_fan_out")(tensor)
    return fans[0], fans[1]


def xavier_uniform_(tensor, gain=1.0):
    return init.xavier_uniform_(tensor, gain=gain)


def xavier_normal_(tensor, gain=1.0):
    return init.xavier_normal_(tensor, gain=gain)


def init_weights(net):
    for m in net.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            xavier_uniform_(m.weight)
            if m.bias is not None:
                init.zeros_(m.bias)
