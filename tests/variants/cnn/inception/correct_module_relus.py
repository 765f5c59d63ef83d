# expect: passed
"""Correct, written differently: ReLU as a parameter-free nn.ReLU attribute (it adds nothing
to the state dict), tuple-style kernel sizes, the paths as lists of layers run in a loop,
and the concatenation through a list comprehension with clamp_min."""
import torch
from torch import nn


class Inception(nn.Module):
    def __init__(self, in_channels, c1, c2, c3, c4):
        super().__init__()
        self.p1_1 = nn.Conv2d(in_channels, c1, (1, 1))
        self.p2_1 = nn.Conv2d(in_channels, c2[0], (1, 1))
        self.p2_2 = nn.Conv2d(c2[0], c2[1], (3, 3), stride=(1, 1), padding=(1, 1))
        self.p3_1 = nn.Conv2d(in_channels, c3[0], (1, 1))
        self.p3_2 = nn.Conv2d(c3[0], c3[1], (5, 5), padding=(2, 2))
        self.p4_1 = nn.MaxPool2d((3, 3), (1, 1), (1, 1))
        self.p4_2 = nn.Conv2d(in_channels, c4, (1, 1))
        self.act = nn.ReLU()

    def forward(self, x):
        paths = [[self.p1_1], [self.p2_1, self.act, self.p2_2], [self.p3_1, self.act, self.p3_2],
                 [self.p4_1, self.p4_2]]
        outs = []
        for layers in paths:
            y = x
            for layer in layers:
                y = layer(y)
            outs.append(y)
        return torch.cat([o.clamp_min(0) for o in outs], 1)
