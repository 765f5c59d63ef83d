# expect: failed only round_removes_selected_rows_and_keeps_order
"""Assumes the selected rows are the first ones: X_u_rest = X_u[len(indices):]."""
import numpy as np

def select_pseudo_labels(probs, threshold):
    probs = np.asarray(probs)
    confidence = probs.max(axis=1) if probs.shape[0] else np.zeros(0)
    indices = np.flatnonzero(confidence >= threshold).astype(np.int64)
    labels = probs[indices].argmax(axis=1).astype(np.int64) if len(indices) else \
        np.zeros(0, dtype=np.int64)
    return indices, labels


def self_training_round(fit, predict_proba, X_l, y_l, X_u, threshold):
    X_l, y_l, X_u = np.asarray(X_l), np.asarray(y_l), np.asarray(X_u)
    model = fit(X_l, y_l)
    probs = predict_proba(model, X_u)
    indices, labels = select_pseudo_labels(probs, threshold)
    keep = np.ones(len(X_u), dtype=bool)
    keep[indices] = False
    X_l_new = np.concatenate([X_l, X_u[indices]], axis=0)
    y_l_new = np.concatenate([y_l.astype(np.int64), labels])
    return X_l_new, y_l_new, X_u[len(indices):], model
