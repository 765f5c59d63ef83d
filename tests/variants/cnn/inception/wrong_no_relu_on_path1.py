# expect: failed only output_matches_reference_after_loading_weights
"""Path 1 returns the 1x1 convolution without its ReLU."""

import torch
import torch.nn.functional as F
from torch import nn


class Inception(nn.Module):
    def __init__(self, in_channels, c1, c2, c3, c4):
        super().__init__()
        # Path 1: a 1x1 convolution alone.
        self.p1_1 = nn.Conv2d(in_channels, c1, kernel_size=1)
        # Paths 2 and 3: a 1x1 convolution first cuts the channels to c2[0] / c3[0], so the
        # expensive 3x3 / 5x5 convolution after it sees fewer input channels.
        self.p2_1 = nn.Conv2d(in_channels, c2[0], kernel_size=1)
        self.p2_2 = nn.Conv2d(c2[0], c2[1], kernel_size=3, padding=1)
        self.p3_1 = nn.Conv2d(in_channels, c3[0], kernel_size=1)
        self.p3_2 = nn.Conv2d(c3[0], c3[1], kernel_size=5, padding=2)
        # Path 4: 3x3 max pooling with stride 1 and padding 1 keeps H and W (torch pads a max
        # pool with -inf), then a 1x1 convolution chooses c4 channels.
        self.p4_1 = nn.MaxPool2d(kernel_size=3, stride=1, padding=1)
        self.p4_2 = nn.Conv2d(in_channels, c4, kernel_size=1)

    def forward(self, x):
        # Every path keeps H and W (padding = (k - 1) / 2, stride 1), so the four outputs
        # differ only in their channel counts and can be stacked along dim 1.
        p1 = self.p1_1(x)
        p2 = F.relu(self.p2_2(F.relu(self.p2_1(x))))
        p3 = F.relu(self.p3_2(F.relu(self.p3_1(x))))
        p4 = F.relu(self.p4_2(self.p4_1(x)))
        return torch.cat((p1, p2, p3, p4), dim=1)
