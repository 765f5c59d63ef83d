# expect: passed
"""Correct, written differently: tuple kernel sizes, padding='same' on the 5x5, clamp(min=0) for the inner ReLUs and one ReLU after the concatenation on dim -3 (every path ends in a ReLU, so relu(cat) = cat(relu))."""

import torch
from torch import nn


class Inception(nn.Module):
    def __init__(self, in_channels, c1, c2, c3, c4, **kwargs):
        super(Inception, self).__init__(**kwargs)
        c2_red, c2_out = c2
        c3_red, c3_out = c3
        self.p1_1 = nn.Conv2d(in_channels, c1, (1, 1))
        self.p2_1 = nn.Conv2d(in_channels, c2_red, (1, 1))
        self.p2_2 = nn.Conv2d(c2_red, c2_out, (3, 3), stride=1, padding=(1, 1))
        self.p3_1 = nn.Conv2d(in_channels, c3_red, (1, 1))
        self.p3_2 = nn.Conv2d(c3_red, c3_out, (5, 5), padding='same')
        self.p4_1 = nn.MaxPool2d((3, 3), stride=(1, 1), padding=(1, 1))
        self.p4_2 = nn.Conv2d(in_channels, c4, (1, 1))

    def forward(self, x):
        # every path ends in a ReLU, and relu(cat(...)) == cat(relu(...)): one ReLU at the end
        paths = [self.p1_1(x),
                 self.p2_2(self.p2_1(x).clamp(min=0)),
                 self.p3_2(self.p3_1(x).clamp(min=0)),
                 self.p4_2(self.p4_1(x))]
        return torch.relu(torch.cat(paths, dim=-3))
