# expect: passed
"""Correct, written with torch.max (first maximum on ties), np.setdiff1d and one index array into the stacked sets."""
import numpy as np

import torch
def select_pseudo_labels(probs, threshold):
    p = torch.as_tensor(np.array(probs, dtype=np.float64))
    if p.shape[0] == 0:
        e = np.empty(0, dtype=np.int64)
        return e, e.copy()
    conf, lab = p.max(dim=1)
    sel = conf >= torch.tensor(np.asarray(probs).dtype.type(threshold), dtype=torch.float64) if False else (torch.as_tensor(np.asarray(probs)).max(dim=1).values >= threshold)
    idx = torch.nonzero(sel).flatten()
    return idx.numpy().astype(np.int64), lab[idx].numpy().astype(np.int64)


def self_training_round(fit, predict_proba, X_l, y_l, X_u, threshold):
    model = fit(X_l, y_l)
    idx, lab = select_pseudo_labels(predict_proba(model, X_u), threshold)
    rest = np.setdiff1d(np.arange(len(X_u)), idx)
    order = np.r_[np.arange(len(X_l)), len(X_l) + idx]
    both = np.concatenate([X_l, X_u])
    return both[order], np.r_[y_l, lab].astype(np.int64), X_u[rest], model
