# expect: passed
"""d2l-zh's Inception block (googlenet.md), written the d2l way: seven layers built in
__init__ with **kwargs passed on to nn.Module, functional ReLUs in forward and torch.cat
over the four path outputs."""
import torch
from torch import nn
from torch.nn import functional as F


class Inception(nn.Module):
    # c1--c4 are the output channels of the four paths
    def __init__(self, in_channels, c1, c2, c3, c4, **kwargs):
        super(Inception, self).__init__(**kwargs)
        # path 1: a single 1x1 convolution
        self.p1_1 = nn.Conv2d(in_channels, c1, kernel_size=1)
        # path 2: 1x1 convolution followed by a 3x3 convolution
        self.p2_1 = nn.Conv2d(in_channels, c2[0], kernel_size=1)
        self.p2_2 = nn.Conv2d(c2[0], c2[1], kernel_size=3, padding=1)
        # path 3: 1x1 convolution followed by a 5x5 convolution
        self.p3_1 = nn.Conv2d(in_channels, c3[0], kernel_size=1)
        self.p3_2 = nn.Conv2d(c3[0], c3[1], kernel_size=5, padding=2)
        # path 4: 3x3 max pooling followed by a 1x1 convolution
        self.p4_1 = nn.MaxPool2d(kernel_size=3, stride=1, padding=1)
        self.p4_2 = nn.Conv2d(in_channels, c4, kernel_size=1)

    def forward(self, x):
        p1 = F.relu(self.p1_1(x))
        p2 = F.relu(self.p2_2(F.relu(self.p2_1(x))))
        p3 = F.relu(self.p3_2(F.relu(self.p3_1(x))))
        p4 = F.relu(self.p4_2(self.p4_1(x)))
        # concatenate on the channel dimension
        return torch.cat((p1, p2, p3, p4), dim=1)
