# expect: failed selection_matches_on_random_probabilities, round_appends_selected_rows_after_labelled_rows
"""The labels are the argmax of the first len(indices) rows, not of the selected rows."""
import numpy as np

def select_pseudo_labels(probs, threshold):
    probs = np.asarray(probs)
    confidence = probs.max(axis=1)
    indices = np.flatnonzero(confidence >= threshold).astype(np.int64)
    labels = probs.argmax(axis=1)[:len(indices)].astype(np.int64)
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
    return X_l_new, y_l_new, X_u[keep], model
