# expect: failed only zero_division_gives_zero
"""macro_f1 builds a K x K confusion matrix with K = max label + 1: empty inputs crash
(max of an empty sequence) instead of giving 0.0."""
import torch


def _t(v):
    return torch.as_tensor(v.tolist() if hasattr(v, "tolist") else list(v), dtype=torch.int64)


def precision_recall_f1(y_true, y_pred, pos_label=1):
    t, p = _t(y_true), _t(y_pred)
    if t.numel() != p.numel():
        raise ValueError("lengths differ")
    tp = int(((t == pos_label) & (p == pos_label)).sum())
    fp = int(((t != pos_label) & (p == pos_label)).sum())
    fn = int(((t == pos_label) & (p != pos_label)).sum())
    r = lambda a, b: a / b if b else 0.0
    return r(tp, tp + fp), r(tp, tp + fn), r(2 * tp, 2 * tp + fp + fn)


def macro_f1(y_true, y_pred, labels):
    t, p = _t(y_true), _t(y_pred)
    if t.numel() != p.numel():
        raise ValueError("lengths differ")
    lab = torch.tensor(list(labels))
    offset = int(min(t.min(), p.min(), lab.min()))
    k = int(max(t.max(), p.max(), lab.max())) - offset + 1
    cm = torch.zeros(k, k, dtype=torch.int64)
    cm.index_put_((t - offset, p - offset), torch.ones_like(t), accumulate=True)
    tp = cm.diagonal()
    f1 = 2 * tp / (2 * tp + (cm.sum(0) - tp) + (cm.sum(1) - tp)).clamp(min=1)
    return float(f1[lab - offset].double().mean())
