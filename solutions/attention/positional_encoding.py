"""Reference solution for exercises/attention/positional_encoding.py."""

import torch
from torch import nn


def positional_encoding(num_steps: int, num_hiddens: int) -> torch.Tensor:
    # The angles are formed in float64: i * omega at i ~ 1000 would lose about 1e-4 in
    # float32 before sin/cos even start. The result is rounded to float32 once, at the end.
    positions = torch.arange(num_steps, dtype=torch.float64).unsqueeze(1)
    columns = torch.arange(num_hiddens)
    # Columns 2j and 2j + 1 share the exponent 2j / d, so work per column with pair = c // 2.
    pair = torch.div(columns, 2, rounding_mode="floor").to(torch.float64)
    omega = torch.pow(10000.0, -2.0 * pair / num_hiddens)
    angles = positions * omega
    # Choosing per column (rather than slicing 0::2 and 1::2) handles odd d for free: the
    # unpaired last column has an even index and so is a sine.
    table = torch.where(columns % 2 == 0, torch.sin(angles), torch.cos(angles))
    return table.to(torch.float32)


class PositionalEncoding(nn.Module):
    def __init__(self, num_hiddens: int, dropout: float, max_len: int = 1000):
        super().__init__()
        self.max_len = max_len
        self.dropout = nn.Dropout(dropout)
        # A buffer follows module.to(device) but is not a parameter: the encoding is fixed.
        # Not persistent, since it is recomputed from the constructor's arguments.
        self.register_buffer("P", positional_encoding(max_len, num_hiddens), persistent=False)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        num_steps = X.shape[1]
        if num_steps > self.max_len:
            raise ValueError(f"num_steps = {num_steps} exceeds max_len = {self.max_len}")
        # Match X's device and dtype so that a float64 X stays float64 and a module that
        # was not moved still works; (num_steps, d) broadcasts over the batch dimension.
        P = self.P[:num_steps].to(device=X.device, dtype=X.dtype)
        return self.dropout(X + P)
