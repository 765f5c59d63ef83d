"""Reference solution for exercises/cnn/multi_channel.py."""

import torch


def _windows(X: torch.Tensor, k_h: int, k_w: int) -> torch.Tensor:
    """(c_i, h', w', k_h, k_w): every window of every channel, a view of X (no copy)."""
    if k_h > X.shape[-2] or k_w > X.shape[-1]:
        raise ValueError(f"kernel {(k_h, k_w)} is larger than the input {tuple(X.shape[-2:])}")
    return X.unfold(-2, k_h, 1).unfold(-2, k_w, 1)


def corr2d_multi_in(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    if X.shape[0] != K.shape[0]:
        # d2l's zip() would silently stop at the shorter one.
        raise ValueError(f"X has {X.shape[0]} channels but K has {K.shape[0]}")
    windows = _windows(X, K.shape[-2], K.shape[-1])
    # Channel c's windows meet kernel slice c; summing over the channel AND the window
    # dimensions adds the per-channel correlations into one output map.
    return torch.einsum("cijab,cab->ij", windows, K)


def corr2d_multi_in_out(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    if X.shape[0] != K.shape[1]:
        raise ValueError(f"X has {X.shape[0]} channels but K expects {K.shape[1]}")
    windows = _windows(X, K.shape[-2], K.shape[-1])
    # One multi-input correlation per output channel o, stacked along a new dimension 0.
    return torch.einsum("cijab,ocab->oij", windows, K)
