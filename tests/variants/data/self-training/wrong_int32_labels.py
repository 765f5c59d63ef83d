# expect: failed only indices_and_labels_are_int64, empty_selection_gives_empty_int64_arrays
"""Indices and labels are returned as int32."""
import numpy as np


def select_pseudo_labels(probs, threshold):
    probs = np.asarray(probs)
    confidence = probs.max(axis=1) if probs.shape[0] else np.zeros(0)
    indices = np.flatnonzero(confidence >= threshold).astype(np.int32)
    labels = probs[indices].argmax(axis=1).astype(np.int32) if len(indices) else \
        np.zeros(0, dtype=np.int32)
    return indices, labels


def self_training_round(fit, predict_proba, X_l, y_l, X_u, threshold):
    X_l, y_l, X_u = np.asarray(X_l), np.asarray(y_l), np.asarray(X_u)
    model = fit(X_l, y_l)
    probs = predict_proba(model, X_u)
    indices, labels = select_pseudo_labels(probs, threshold)
    keep = np.ones(len(X_u), dtype=bool)
    keep[indices.astype(np.int64)] = False
    X_l_new = np.concatenate([X_l, X_u[indices]], axis=0)
    y_l_new = np.concatenate([y_l.astype(np.int64), labels])
    return X_l_new, y_l_new, X_u[keep], model
