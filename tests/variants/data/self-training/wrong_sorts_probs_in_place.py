# expect: failed only select_does_not_modify_probs
"""Takes the labels first, then sorts probs in place (probs.sort) to read the confidences."""
import numpy as np

def select_pseudo_labels(probs, threshold):
    labels = probs.argmax(axis=1).astype(np.int64)
    probs.sort(axis=1)
    indices = np.flatnonzero(probs[:, -1] >= threshold).astype(np.int64)
    return indices, labels[indices]


def self_training_round(fit, predict_proba, X_l, y_l, X_u, threshold):
    X_l, y_l, X_u = np.asarray(X_l), np.asarray(y_l), np.asarray(X_u)
    model = fit(X_l, y_l)
    probs = predict_proba(model, X_u)
    indices, labels = select_pseudo_labels(probs, threshold)
    keep = np.ones(len(X_u), dtype=bool)
    keep[indices] = False
    X_l_new = np.concatenate([X_l, X_u[indices]], axis=0)
    y_l_new = np.concatenate([y_l.astype(np.int64), labels])
    return X_l_new, y_l_new, X_u[keep], model
