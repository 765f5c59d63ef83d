# expect: failed returns_python_float_in_unit_interval, d2l_example
"""Computes with torch and returns a 0-d tensor instead of a Python float."""
from collections import Counter

import torch


def bleu(pred_seq, label_seq, k):
    if k < 1:
        raise ValueError(k)
    pred, label = pred_seq.split(), label_seq.split()
    if len(pred) < k:
        return torch.tensor(0.0, dtype=torch.float64)
    score = torch.exp(torch.tensor(min(0.0, 1 - len(label) / len(pred)), dtype=torch.float64))
    for n in range(1, k + 1):
        pc = Counter(tuple(pred[i:i + n]) for i in range(len(pred) - n + 1))
        lc = Counter(tuple(label[i:i + n]) for i in range(len(label) - n + 1))
        p = sum((pc & lc).values()) / (len(pred) - n + 1)
        score = score * torch.tensor(p, dtype=torch.float64) ** (0.5 ** n)
    return score
