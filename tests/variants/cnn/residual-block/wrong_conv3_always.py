# expect: failed only layers_have_d2l_names_and_types, state_dict_matches_d2l, parameter_count
"""Always builds conv3 and only uses it when use_1x1conv: the identity block carries an unused 1x1 convolution in its state dict."""

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
        self.use_1x1conv = use_1x1conv
        self.conv3 = nn.Conv2d(input_channels, num_channels, kernel_size=1, stride=strides)
        self.bn1 = nn.BatchNorm2d(num_channels)
        self.bn2 = nn.BatchNorm2d(num_channels)

    def forward(self, X):
        Y = F.relu(self.bn1(self.conv1(X)))
        Y = self.bn2(self.conv2(Y))
        shortcut = self.conv3(X) if self.use_1x1conv else X
        # Out of place: X belongs to the caller (and may be a leaf that requires grad).
        return F.relu(Y + shortcut)
