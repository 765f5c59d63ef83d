# expect: passed
"""Correct, written differently: numpy boolean masks, counts with np.sum, the F1 as the
harmonic mean of P and R guarded for P + R = 0, and the macro mean with np.mean."""
import numpy as np
import torch


def _array(values):
    if isinstance(values, torch.Tensor):
        values = values.detach().cpu().numpy()
    return np.array(values)


def precision_recall_f1(y_true, y_pred, pos_label=1):
    t, p = _array(y_true), _array(y_pred)
    if t.shape != p.shape:
        raise ValueError("y_true and y_pred must have the same length")
    t, p = t == pos_label, p == pos_label
    tp = np.sum(t & p)
    predicted, actual = np.sum(p), np.sum(t)
    precision = float(tp / predicted) if predicted else 0.0
    recall = float(tp / actual) if actual else 0.0
    if precision + recall == 0:
        return precision, recall, 0.0
    return precision, recall, float(2 * precision * recall / (precision + recall))


def macro_f1(y_true, y_pred, labels):
    return float(np.mean([precision_recall_f1(y_true, y_pred, c)[2] for c in labels]))
