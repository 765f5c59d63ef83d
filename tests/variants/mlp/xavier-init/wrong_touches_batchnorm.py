# expect: failed init_weights_leaves_other_parameters_untouched
"""Xavier for every matrix-shaped parameter, zeros for every vector: also hits BatchNorm,
Embedding, Conv1d..."""
import math

import torch
from torch import nn


def fan_in_and_fan_out(tensor):
    if tensor.dim() < 2:
        raise ValueError("need at least 2 dimensions")
    receptive = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


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
    for p in net.parameters():
        if p.dim() >= 2:
            xavier_uniform_(p)
        else:
            with torch.no_grad():
                p.zero_()
