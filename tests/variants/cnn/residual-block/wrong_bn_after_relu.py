# expect: failed only output_matches_reference_after_loading_weights
"""Puts bn1 after the ReLU: bn1(relu(conv1(X))) instead of relu(bn1(conv1(X)))."""

import torch.nn.functional as F
from torch import nn


class Residual(nn.Module):
    def __init__(self, input_channels, num_channels, use_1x1conv=False, strides=1):
        super().__init__()
        # The stride (downsampling) sits on the first 3x3 convolution and on the shortcut,
        # so both branches arrive at the same ceil(H / s) x ceil(W / s) size.
        self.conv1 = nn.Conv2d(input_channels, num_channels, kernel_size=3, padding=1,
                               stride=strides)
        self.conv2 = nn.Conv2d(num_channels, num_channels, kernel_size=3, padding=1)
        # d2l's shortcut is a bare 1x1 convolution: no BatchNorm (torchvision adds one).
        self.conv3 = (nn.Conv2d(input_channels, num_channels, kernel_size=1, stride=strides)
                      if use_1x1conv else None)
        self.bn1 = nn.BatchNorm2d(num_channels)
        self.bn2 = nn.BatchNorm2d(num_channels)

    def forward(self, X):
        Y = self.bn1(F.relu(self.conv1(X)))
        Y = self.bn2(self.conv2(Y))
        shortcut = X if self.conv3 is None else self.conv3(X)
        # Out of place: X belongs to the caller (and may be a leaf that requires grad).
        return F.relu(Y + shortcut)
