# expect: passed
"""Correct, written with plain Python loops over the rows and lists of rows."""
import numpy as np


def select_pseudo_labels(probs, threshold):
    indices, labels = [], []
    for i, row in enumerate(probs):
        best = 0
        for k in range(1, len(row)):
            if row[k] > row[best]:      # strict: the first maximum wins a tie
                best = k
        if row[best] >= threshold:
            indices.append(i)
            labels.append(best)
    return np.array(indices, dtype=np.int64), np.array(labels, dtype=np.int64)


def self_training_round(fit, predict_proba, X_l, y_l, X_u, threshold):
    model = fit(X_l, y_l)
    indices, labels = select_pseudo_labels(predict_proba(model, X_u), threshold)
    chosen = set(indices.tolist())
    moved = [X_u[i] for i in indices]
    rest = [X_u[i] for i in range(len(X_u)) if i not in chosen]
    X_l_new = np.array(list(X_l) + moved, dtype=X_l.dtype).reshape(-1, X_l.shape[1])
    X_u_rest = np.array(rest, dtype=X_u.dtype).reshape(-1, X_u.shape[1])
    y_l_new = np.array(list(y_l) + labels.tolist(), dtype=np.int64)
    return X_l_new, y_l_new, X_u_rest, model
