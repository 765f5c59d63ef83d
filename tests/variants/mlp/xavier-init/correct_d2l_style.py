# expect: passed
"""d2l's recipe with only the departures the stub states. The fill functions use d2l's own
idioms for filling a weight (nn.init.uniform_(w, -a, a), nn.init.normal_(w, mean=0, std=...))
with the bounds of d2l's derivation in its n_in / n_out notation; init_weights is d2l's
net.apply(init_cnn) with isinstance instead of type(...) == and the bias zeroed as d2l's
init_normal does."""
import math

from torch import nn


def fan_in_and_fan_out(tensor):
    if tensor.dim() < 2:
        raise ValueError("fan_in/fan_out need a weight of shape (out, in, *kernel)")
    num_outputs, num_inputs = tensor.shape[0], tensor.shape[1]
    receptive_field = 1
    for k in tensor.shape[2:]:
        receptive_field *= k
    return num_inputs * receptive_field, num_outputs * receptive_field


def xavier_uniform_(tensor, gain=1.0):
    n_in, n_out = fan_in_and_fan_out(tensor)
    a = gain * math.sqrt(6 / (n_in + n_out))
    return nn.init.uniform_(tensor, -a, a)


def xavier_normal_(tensor, gain=1.0):
    n_in, n_out = fan_in_and_fan_out(tensor)
    sigma = gain * math.sqrt(2 / (n_in + n_out))
    return nn.init.normal_(tensor, mean=0, std=sigma)


def init_cnn(module):
    if isinstance(module, (nn.Linear, nn.Conv2d)):
        xavier_uniform_(module.weight)
        if module.bias is not None:
            nn.init.zeros_(module.bias)


def init_weights(net):
    net.apply(init_cnn)
