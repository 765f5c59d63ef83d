# expect: passed
"""Correct, written differently: torch on the CPU in float64, the curve from torch.unique
and searchsorted, and the AUC from average ranks (the Mann-Whitney U statistic)."""
import numpy as np
import torch


def _tensors(y_true, scores):
    y = torch.as_tensor(y_true).detach().cpu().reshape(-1).to(torch.float64).clone()
    s = torch.as_tensor(scores).detach().cpu().reshape(-1).to(torch.float64).clone()
    if y.numel() != s.numel():
        raise ValueError("length mismatch")
    if y.numel() < 2:
        raise ValueError("at least two samples are needed")
    if not bool(((y == 0) | (y == 1)).all()):
        raise ValueError("labels must be 0 or 1")
    if bool((y == 1).all()) or bool((y == 0).all()):
        raise ValueError("y_true holds a single class")
    return y == 1, s


def roc_curve(y_true, scores):
    positive, s = _tensors(y_true, scores)
    distinct = torch.unique(s)                       # ascending
    # Samples with score >= t: those whose score's position is >= t's position.
    where = torch.searchsorted(distinct, s)
    counts_pos = torch.bincount(where[positive], minlength=len(distinct))
    counts_neg = torch.bincount(where[~positive], minlength=len(distinct))
    tp = counts_pos.flip(0).cumsum(0).double()
    fp = counts_neg.flip(0).cumsum(0).double()
    zero = torch.zeros(1, dtype=torch.float64)
    fpr = torch.cat([zero, fp / fp[-1]])
    tpr = torch.cat([zero, tp / tp[-1]])
    thresholds = torch.cat([torch.tensor([float("inf")], dtype=torch.float64), distinct.flip(0)])
    return fpr.numpy(), tpr.numpy(), thresholds.numpy()


def roc_auc(y_true, scores):
    positive, s = _tensors(y_true, scores)
    distinct, inverse, counts = torch.unique(s, return_inverse=True, return_counts=True)
    # Average rank (1-based) of each group of tied scores.
    ends = counts.cumsum(0).double()
    average = ends - (counts.double() - 1) / 2
    ranks = average[inverse]
    n_pos = int(positive.sum())
    n_neg = s.numel() - n_pos
    u = float(ranks[positive].sum()) - n_pos * (n_pos + 1) / 2
    return float(u / (n_pos * n_neg))
