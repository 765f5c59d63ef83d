# expect: passed
"""Correct, written differently: np.where, np.delete, np.vstack and np.append, with the
threshold argument renamed and an extra keyword with a default."""
import numpy as np


def select_pseudo_labels(p, tau):
    p = np.asarray(p)
    confident = np.where(p.max(axis=1, initial=-np.inf) >= tau)[0]
    return confident.astype(np.int64), np.argmax(p[confident], axis=1).astype(np.int64)


def self_training_round(fit, predict_proba, X_l, y_l, X_u, threshold, verbose=False):
    model = fit(X_l, y_l)
    idx, lab = select_pseudo_labels(predict_proba(model, X_u), threshold)
    if verbose:
        print(f"{len(idx)} pseudo-labels")
    return (np.vstack([X_l, X_u[idx]]), np.append(y_l, lab).astype(np.int64),
            np.delete(X_u, idx, axis=0), model)
