"""Loops forever while being imported.

Attack: an endless loop at import
Honest maximum: 0
"""

import torch
from torch import nn

while True:
    pass


def dropout_layer(X, p, training=True):
    raise NotImplementedError("implement dropout_layer")


class Dropout(nn.Module):
    def __init__(self, p):
        super().__init__()
        raise NotImplementedError("implement Dropout.__init__")

    def forward(self, X):
        raise NotImplementedError("implement Dropout.forward")
