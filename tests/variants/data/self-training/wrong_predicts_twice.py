# expect: failed only round_fits_on_labelled_and_predicts_on_unlabelled
"""Calls predict_proba twice: once for the keep-mask, once for the selection."""
import numpy as np

def select_pseudo_labels(probs, threshold):
    probs = np.asarray(probs)
    confidence = probs.max(axis=1) if probs.shape[0] else np.zeros(0)
    indices = np.flatnonzero(confidence >= threshold).astype(np.int64)
    labels = probs[indices].argmax(axis=1).astype(np.int64) if len(indices) else \
        np.zeros(0, dtype=np.int64)
    return indices, labels


def self_training_round(fit, predict_proba, X_l, y_l, X_u, threshold):
    model = fit(X_l, y_l)
    conf = predict_proba(model, X_u).max(axis=1)
    keep = conf < threshold
    indices, labels = select_pseudo_labels(predict_proba(model, X_u), threshold)
    return (np.concatenate([X_l, X_u[indices]]), np.concatenate([y_l, labels]),
            X_u[keep], model)
