"""K-fold cross-validation (the note: MODEL SELECTION; 过拟合/欠拟合).

The note: overfitting is a low training error with a high generalization error, underfitting
a high training error and a high generalization error. The generalization error cannot be
measured on the training data, and the test set must stay untouched until the very end, so
models and hyper-parameters are chosen on held-out data. When data are scarce, K-fold
cross-validation reuses every row for validation once:

* split the n rows into k folds of ``fs = n // k`` consecutive rows (no shuffling);
* for each fold i = 0 .. k-1: train on the other folds, validate on fold i, which holds
  rows ``i*fs, ..., (i+1)*fs - 1``;
* report the mean training error and the mean validation error over the k folds.

d2l: Multilayer Perceptrons > Predicting House Prices on Kaggle (``get_k_fold_data`` and
``k_fold`` in d2l-zh, ``k_fold_data`` in d2l-en). The two editions differ on the last
``n % k`` rows, which fit in no fold:

* d2l-zh (``keep_remainder=False``, the default here): the training rows are the other
  k - 1 folds, in order, and the rows from ``k * fs`` on are never used at all;
* d2l-en (``keep_remainder=True``): the training rows are all rows outside fold i, in order,
  the remainder included.

Worked example, n = 7, k = 3 (fs = 2, row 6 is the remainder)::

    k_fold_indices(7, 3, 1)                       # (array([0, 1, 4, 5]), array([2, 3]))
    k_fold_indices(7, 3, 1, keep_remainder=True)  # (array([0, 1, 4, 5, 6]), array([2, 3]))

Departures from d2l, and why: d2l checks ``assert k > 1``; here a bad ``k`` or ``i`` raises
``ValueError`` (an assert vanishes under ``python -O``), and ``k > n`` is refused too (its
folds would be empty). d2l's ``k_fold`` builds and trains a network inside the loop; here the
training is a callback, ``train_and_eval``, so any model can be cross-validated.

Fill in the two functions, then run::

    learn check eval/k-fold

Rules: no ready-made splitters (``sklearn.model_selection``). Do not modify ``X`` or ``y``.
"""

import numpy as np


def k_fold_indices(n: int, k: int, i: int, keep_remainder: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The row indices of fold i of k-fold cross-validation over n rows.

    Args:
        n: the number of rows.
        k: the number of folds, 2 <= k <= n (k = n is leave-one-out).
        i: the validation fold, 0 <= i < k.
        keep_remainder: False (d2l-zh): train on the other k - 1 folds only, so the last
            ``n % k`` rows are never used. True (d2l-en): train on every row outside fold i.

    Returns:
        ``(train_idx, valid_idx)``: two int64 numpy arrays, each in ascending order;
        ``valid_idx`` is ``i*fs .. (i+1)*fs - 1`` with ``fs = n // k``.

    Raises:
        ValueError: if k < 2 or k > n, or if i is not in 0 .. k-1.
    """
    raise NotImplementedError("implement k_fold_indices")


def k_fold_score(train_and_eval, X, y, k: int) -> tuple[float, float]:
    """Cross-validate with k folds (d2l-zh's rule: the remainder rows are dropped).

    Args:
        train_and_eval: a function ``train_and_eval(X_train, y_train, X_valid, y_valid)``
            that trains a fresh model and returns ``(train_error, valid_error)``.
        X: the features, one row per sample: a numpy array, a torch tensor or a list of rows.
        y: the labels or targets, one per row, of the same kind (a 1-D array, tensor or list).
        k: the number of folds (as in :func:`k_fold_indices`).

    Returns:
        ``(mean_train_error, mean_valid_error)`` as Python floats: the mean over the k folds
        of what ``train_and_eval`` returned.

    Call ``train_and_eval`` exactly once per fold, for i = 0, 1, ..., k-1 in order, passing
    the four parts positionally: the rows of ``k_fold_indices(len(X), k, i)`` of X and y.
    Each part is of the input's own kind: numpy arrays for numpy input, tensors for tensors
    (index a tensor with a tensor of the indices), lists of the selected rows for lists.
    """
    raise NotImplementedError("implement k_fold_score")
