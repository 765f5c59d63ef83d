"""Self-training: pseudo-labels for unlabelled data (the note: 数据标注 › 半监督学习 › 自学习).

In semi-supervised learning a few rows are labelled and many are not. Self-training
(自学习) uses the unlabelled ones like this:

1. train a model on the labelled rows (X_l, y_l);
2. let it predict class probabilities for the unlabelled rows X_u;
3. keep only the predictions it is *confident* about, turn them into labels
   ("pseudo-labels") and move those rows from the unlabelled set to the labelled set;
4. repeat with the larger labelled set.

The note's key point is 关键点:如何保证高置信度, how to make sure the pseudo-labels are
confident: a wrong pseudo-label becomes a training target in the next round and the model
learns its own mistake. So only rows whose confidence reaches a threshold are kept. (The
note adds that the model used for labelling may be expensive: it is not the one you deploy.)

This is from the CS329P data-labelling lecture; d2l has no code for it, so the rules below
are this exercise's own.

Definitions, for a matrix ``probs`` of shape (n_unlabeled, n_classes) whose rows sum to 1:

* confidence of row i: ``c_i = max_k probs[i, k]``;
* row i is selected iff ``c_i >= threshold`` (inclusive: a row exactly at the threshold is
  selected);
* its pseudo-label is ``argmax_k probs[i, k]``; when classes tie, the lowest class index wins
  (that is what ``np.argmax`` does).

Worked example::

    probs = np.array([[0.25, 0.75, 0.0],     # confidence 0.75 -> selected, label 1
                      [0.5,  0.25, 0.25],    # 0.5             -> not selected
                      [0.4,  0.4,  0.2]])    # 0.4 (tie)       -> selected at 0.4, label 0
    select_pseudo_labels(probs, 0.4)   # -> (array([0, 2]), array([1, 0]))
    select_pseudo_labels(probs, 0.75)  # -> (array([0]), array([1]))

Fill in the two functions, then run::

    learn check data/self-training

Rules: numpy is all you need. Work on new arrays: never change ``probs``, ``X_l``, ``y_l``
or ``X_u`` in place (no in-place sort, no ``+=``, no assignment into them).
"""

import numpy as np


def select_pseudo_labels(probs: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """Pick the confident rows of ``probs`` and their pseudo-labels.

    Args:
        probs: a numpy array (float32 or float64) of shape (n_unlabeled, n_classes); each row
            holds one sample's class probabilities and sums to 1.
        threshold: the smallest confidence kept. A threshold above 1 selects nothing.

    Returns:
        ``(indices, labels)``: two numpy arrays of dtype int64 and the same length.
        ``indices`` are the selected rows (confidence >= threshold) in ascending order;
        ``labels[j]`` is the argmax of row ``indices[j]`` (ties to the lowest class).
        If no row is selected, both are empty int64 arrays of shape (0,).

    ``probs`` must not be modified.
    """
    raise NotImplementedError("implement select_pseudo_labels")


def self_training_round(fit, predict_proba, X_l, y_l, X_u, threshold):
    """One round of self-training.

    Args:
        fit: a function ``fit(X, y) -> model`` that trains a model and returns it.
        predict_proba: a function ``predict_proba(model, X) -> probs`` that returns a numpy
            array of shape (len(X), n_classes).
        X_l: the labelled features, a numpy array (n_labeled, d), float32 or float64.
        y_l: their labels, a numpy int64 array (n_labeled,).
        X_u: the unlabelled features, a numpy array (n_unlabeled, d) of X_l's dtype.
        threshold: passed on to :func:`select_pseudo_labels`.

    Returns:
        ``(X_l_new, y_l_new, X_u_rest, model)``:

        * call ``fit(X_l, y_l)`` exactly once, then ``predict_proba(model, X_u)`` exactly once
          (on the whole unlabelled set, not on the labelled rows);
        * select the rows of X_u with :func:`select_pseudo_labels`;
        * ``X_l_new`` is X_l followed by the selected rows of X_u, in ascending original
          index; ``y_l_new`` is y_l followed by their pseudo-labels (int64);
        * ``X_u_rest`` is X_u without the selected rows; the rows that stay keep their order;
        * ``model`` is the model ``fit`` returned.

        Every row ends up exactly once in X_l_new or X_u_rest. The feature arrays keep X's
        dtype (float32 stays float32). If nothing is selected, X_l, y_l and X_u come back
        unchanged (as equal arrays).

    The inputs must not be modified.
    """
    raise NotImplementedError("implement self_training_round")
