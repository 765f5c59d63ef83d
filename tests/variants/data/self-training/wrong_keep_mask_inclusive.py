# expect: failed only round_removes_selected_rows_and_keeps_order
"""Builds the rest with its own mask, confidence <= threshold: a row exactly at the threshold
is moved to the labelled set and also stays in X_u."""
import numpy as np


def select_pseudo_labels(probs, threshold):
    probs = np.asarray(probs)
    confidence = probs.max(axis=1)
    indices = np.flatnonzero(confidence >= threshold).astype(np.int64)
    labels = probs[indices].argmax(axis=1).astype(np.int64)
    return indices, labels


def self_training_round(fit, predict_proba, X_l, y_l, X_u, threshold):
    model = fit(X_l, y_l)
    probs = predict_proba(model, X_u)
    indices, labels = select_pseudo_labels(probs, threshold)
    unsure = probs.max(axis=1) <= threshold          # the rows left unlabelled
    return (np.concatenate([X_l, X_u[indices]]), np.concatenate([y_l, labels]),
            X_u[unsure], model)
