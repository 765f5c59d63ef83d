# expect: passed
"""Correct, written differently: everything as torch tensors on the CPU, the confusion
counts of all labels at once, and the macro F1 from 2TP / (2TP + FP + FN) per label."""
import torch


def _tensor(values):
    return torch.as_tensor(values).detach().cpu().reshape(-1)


def _f1_counts(t, p, labels):
    labels = torch.as_tensor(labels).reshape(-1, 1)
    is_t, is_p = t.reshape(1, -1) == labels, p.reshape(1, -1) == labels
    tp = (is_t & is_p).sum(1).double()
    fp = (~is_t & is_p).sum(1).double()
    fn = (is_t & ~is_p).sum(1).double()
    return tp, fp, fn


def _safe(a, b):
    return torch.where(b > 0, a / b.clamp(min=1), torch.zeros_like(a))


def precision_recall_f1(y_true, y_pred, pos_label=1):
    t, p = _tensor(y_true), _tensor(y_pred)
    if t.numel() != p.numel():
        raise ValueError("length mismatch")
    tp, fp, fn = _f1_counts(t, p, [pos_label])
    return (_safe(tp, tp + fp).item(), _safe(tp, tp + fn).item(),
            _safe(2 * tp, 2 * tp + fp + fn).item())


def macro_f1(y_true, y_pred, labels):
    t, p = _tensor(y_true), _tensor(y_pred)
    if t.numel() != p.numel():
        raise ValueError("length mismatch")
    tp, fp, fn = _f1_counts(t, p, list(labels))
    return _safe(2 * tp, 2 * tp + fp + fn).mean().item()
