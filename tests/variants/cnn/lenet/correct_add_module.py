# expect: passed
"""An empty nn.Sequential filled with add_module(str(i), ...) from a spec list; tuple sizes."""
from torch import nn

SPEC = [("conv", 1, 6, 2), ("act",), ("pool",), ("conv", 6, 16, 0), ("act",), ("pool",),
        ("flat",), ("fc", 400, 120), ("act",), ("fc", 120, 84), ("act",), ("fc", 84, None)]


def lenet(num_classes=10):
    net = nn.Sequential()
    for i, s in enumerate(SPEC):
        if s[0] == "conv":
            layer = nn.Conv2d(s[1], s[2], kernel_size=(5, 5), stride=(1, 1), padding=(s[3], s[3]))
        elif s[0] == "act":
            layer = nn.Sigmoid()
        elif s[0] == "pool":
            layer = nn.AvgPool2d((2, 2), (2, 2), count_include_pad=False)
        elif s[0] == "flat":
            layer = nn.Flatten(start_dim=1, end_dim=-1)
        else:
            layer = nn.Linear(s[1], s[2] if s[2] is not None else num_classes)
        net.add_module(str(i), layer)
    return net
