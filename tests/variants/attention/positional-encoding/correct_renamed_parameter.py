# expect: passed
"""The PyTorch tutorial's way (its names: d_model for num_hiddens, seq_len for num_steps,
`pe`, `div_term` from exp and log, dropout defaulting to 0.1), adapted to the stub's
batch-first layout, max_len = 1000, odd d, X's dtype and the ValueError. The checks pass
these parameters by position, so the renamed ones bind."""
import math

import torch
from torch import nn


def positional_encoding(seq_len, d_model):
    position = torch.arange(seq_len).unsqueeze(1)
    div_term = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
    pe = torch.zeros(seq_len, d_model)
    pe[:, 0::2] = torch.sin(position * div_term)
    pe[:, 1::2] = torch.cos(position * div_term[: d_model // 2])
    return pe


class PositionalEncoding(nn.Module):
    def __init__(self, d_model: int, dropout: float = 0.1, max_len: int = 1000):
        super().__init__()
        self.dropout = nn.Dropout(p=dropout)
        self.register_buffer("pe", positional_encoding(max_len, d_model).unsqueeze(0))

    def forward(self, x):
        """x: Tensor, shape [batch_size, seq_len, embedding_dim]"""
        if x.size(1) > self.pe.size(1):
            raise ValueError(f"seq_len {x.size(1)} > max_len {self.pe.size(1)}")
        x = x + self.pe[:, : x.size(1)].to(x.dtype)
        return self.dropout(x)
