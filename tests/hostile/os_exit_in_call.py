"""Ends its process with os._exit(0) in dropout_layer and with sys.exit(0) in Dropout.

Attack: os._exit / sys.exit in a call
Honest maximum: 0
"""

import torch
from torch import nn

import os
import sys


def dropout_layer(X, p, training=True):
    os._exit(0)


class Dropout(nn.Module):
    def __init__(self, p):
        super().__init__()
        sys.exit(0)

    def forward(self, X):
        sys.exit(0)
