# expect: failed fans_of_linear_and_conv2d_weights, fans_of_tensors_with_any_number_of_kernel_dims
"""Reads the fans from the last two dimensions (right for nn.Linear, wrong for any kernel)."""
import math

import torch
from torch import nn


def fan_in_and_fan_out(tensor):
    if tensor.dim() < 2:
        raise ValueError("need at least 2 dimensions")
    return tensor.shape[-1], tensor.shape[-2]


def xavier_uniform_(tensor, gain=1.0):
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    a = gain * math.sqrt(6.0 / (fan_in + fan_out))
    with torch.no_grad():
        tensor.uniform_(-a, a)
    return tensor


def xavier_normal_(tensor, gain=1.0):
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    with torch.no_grad():
        tensor.normal_(0.0, std)
    return tensor


def init_weights(net):
    for m in net.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            xavier_uniform_(m.weight)
            if m.bias is not None:
                with torch.no_grad():
                    m.bias.zero_()
