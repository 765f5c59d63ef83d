# expect: passed
"""Built from two small helpers and a loop; tuple kernel sizes; the same 12 layers."""
from torch import nn


def conv_block(c_in, c_out, padding):
    return [nn.Conv2d(c_in, c_out, (5, 5), stride=1, padding=padding), nn.Sigmoid(),
            nn.AvgPool2d((2, 2), (2, 2))]


def lenet(n=10):
    layers = conv_block(1, 6, 2) + conv_block(6, 16, 0) + [nn.Flatten(start_dim=1)]
    widths = [400, 120, 84]
    for a, b in zip(widths, widths[1:]):
        layers += [nn.Linear(a, b), nn.Sigmoid()]
    layers.append(nn.Linear(widths[-1], n))
    net = nn.Sequential()
    for i, layer in enumerate(layers):
        net.add_module(str(i), layer)
    return net
