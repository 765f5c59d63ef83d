# expect: failed init_weights_includes_subclasses, init_weights_zeroes_biases
"""d2l's init_cnn as it is: type(module) == nn.Linear or type(module) == nn.Conv2d, and the
biases left at PyTorch's default (the two departures the stub states). The fill functions
are right."""
import math

from torch import nn


def fan_in_and_fan_out(tensor):
    if tensor.dim() < 2:
        raise ValueError("need (out, in, *kernel)")
    receptive = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def xavier_uniform_(tensor, gain=1.0):
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    a = gain * math.sqrt(6 / (fan_in + fan_out))
    return nn.init.uniform_(tensor, -a, a)


def xavier_normal_(tensor, gain=1.0):
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    return nn.init.normal_(tensor, mean=0, std=gain * math.sqrt(2 / (fan_in + fan_out)))


def init_cnn(module):
    if type(module) == nn.Linear or type(module) == nn.Conv2d:
        xavier_uniform_(module.weight)


def init_weights(net):
    net.apply(init_cnn)
