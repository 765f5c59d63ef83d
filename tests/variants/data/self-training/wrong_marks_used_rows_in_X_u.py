# expect: failed only round_does_not_modify_inputs
"""Marks the moved rows of X_u with NaN in place, then filters them out."""
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
    moved = X_u[indices].copy()
    X_u[indices] = np.nan
    keep = ~np.isnan(X_u).any(axis=1)
    X_l_new = np.concatenate([X_l, moved], axis=0)
    y_l_new = np.concatenate([y_l.astype(np.int64), labels])
    return X_l_new, y_l_new, X_u[keep], model
