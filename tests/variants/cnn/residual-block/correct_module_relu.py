# expect: passed
"""Correct, written differently: a parameter-free nn.ReLU attribute, the residual branch
run as a loop over its layers, torch.add and clamp_min for the final ReLU."""
import torch
from torch import nn


class Residual(nn.Module):
    def __init__(self, input_channels, num_channels, use_1x1conv=False, strides=1):
        super().__init__()
        self.conv1 = nn.Conv2d(input_channels, num_channels, (3, 3), (strides, strides), (1, 1))
        self.bn1 = nn.BatchNorm2d(num_channels)
        self.conv2 = nn.Conv2d(num_channels, num_channels, (3, 3), padding=(1, 1))
        self.bn2 = nn.BatchNorm2d(num_channels)
        self.conv3 = nn.Conv2d(input_channels, num_channels, 1, strides) if use_1x1conv else None
        self.act = nn.ReLU()

    def forward(self, X):
        Y = X
        for layer in (self.conv1, self.bn1, self.act, self.conv2, self.bn2):
            Y = layer(Y)
        shortcut = self.conv3(X) if self.conv3 is not None else X
        return torch.add(Y, shortcut).clamp_min(0)
