# expect: failed only keeps_shape_dtype_and_device[float16], keeps_shape_dtype_and_device[bfloat16]
"""d2l's dropout_layer with every stated departure but one: the mask keeps d2l's .float(),
so a float16 or bfloat16 X comes back as float32 (type promotion in mask * X)."""
import torch
from torch import nn


def dropout_layer(X, dropout, training=True):
    if not 0 <= dropout <= 1:
        raise ValueError(dropout)
    if not training:
        return X
    if dropout == 1:
        return X * 0
    mask = (torch.rand(X.shape, device=X.device) > dropout).float()
    return mask * X / (1.0 - dropout)


class Dropout(nn.Module):
    def __init__(self, dropout):
        super().__init__()
        if not 0 <= dropout <= 1:
            raise ValueError(dropout)
        self.dropout = dropout

    def forward(self, X):
        return dropout_layer(X, self.dropout) if self.training else X
