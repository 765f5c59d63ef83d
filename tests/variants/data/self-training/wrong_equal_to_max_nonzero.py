# expect: failed only labels_are_argmax_with_ties_to_lowest_class
"""Finds the labels with nonzero(probs == row max): a tied row appears once per tied class."""
import numpy as np

def select_pseudo_labels(probs, threshold):
    probs = np.asarray(probs)
    confidence = probs.max(axis=1, keepdims=True)
    rows, cols = np.nonzero((probs == confidence) & (confidence >= threshold))
    return rows.astype(np.int64), cols.astype(np.int64)


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
