"""The ROC curve and its area, AUC, from scratch (the note's 插入 › AUC与ROC).

A classifier that outputs a *score* (a probability, a logit, any number where larger means
"more likely positive") needs a threshold to make decisions: a sample is predicted positive
when ``score >= threshold``. Every threshold gives one point of the ROC curve, with the
note's axes:

* x = FPR = FP / N_neg: the share of the negatives predicted positive (1 − the negatives'
  recall, 负类被预测成正类的比例);
* y = TPR = TP / N_pos: the share of the positives predicted positive (the positives'
  recall, 正召回).

Sweeping the threshold from +inf down to the smallest score moves from (0, 0) (nothing is
positive) to (1, 1) (everything is). AUC is the area under that curve (trapezoids between
consecutive points), and it equals a ranking probability: pick a random positive and a
random negative; AUC = P(s+ > s-) + ½ · P(s+ = s-). So 1 is a perfect ranking, 0.5 is
chance (or all scores equal), 0 is a perfectly reversed ranking.

**Worked example** (the scikit-learn documentation's): ``y_true = [0, 0, 1, 1]``,
``scores = [0.1, 0.4, 0.35, 0.8]``. The thresholds are ``[inf, 0.8, 0.4, 0.35, 0.1]``,
``tpr = [0, 0.5, 0.5, 1, 1]``, ``fpr = [0, 0, 0.5, 0.5, 1]``, and AUC = 0.75: of the 4
(positive, negative) pairs, 3 are ranked correctly.

d2l has no code for ROC (the note takes it from the CS329P lecture); the tie handling is
the Mann-Whitney statistic's, as in scikit-learn's ``roc_auc_score``. One departure from
scikit-learn: its ``roc_curve`` drops points that lie on a straight line between their
neighbours (``drop_intermediate=True``); here **no point is dropped** (the area is the same).

Fill in the two functions that raise ``NotImplementedError``, then run::

    learn check eval/roc-auc

What the checks test:

* Inputs: ``y_true`` and ``scores`` are 1-D and of equal length, each a Python list, a
  tuple, a numpy array or a 1-D torch tensor (on any device, requiring grad or not: use
  ``.detach().cpu()`` before ``.numpy()``). Labels are 0/1 as ints, bools or floats (1 is
  positive); scores may be floats, ints or bools (True above False: convert them to float64
  before negating or sorting; numpy refuses ``-`` on a bool array). NaN and inf scores are
  out of scope.
* ``ValueError`` in **both** functions when: a label is not 0 or 1 (a 2, a -1, a 0.5); the
  lengths differ; the input is empty or a single sample; ``y_true`` holds only one class
  (then one of the rates is 0 / 0).
* ``roc_curve(y_true, scores)`` returns ``(fpr, tpr, thresholds)``: three 1-D **float64
  numpy arrays** of the same length, the number of distinct scores + 1.
  ``thresholds[0]`` is ``np.inf`` (the point (0, 0)); then come the distinct scores, each
  exactly as given (converted to float64; ties are exact equality), strictly decreasing.
  ``fpr[i]`` and ``tpr[i]`` count the samples with ``score >= thresholds[i]`` (greater *or
  equal*), so the last point is (1, 1).
* ``roc_auc(y_true, scores)`` returns a Python float (``np.float64`` is fine; not a tensor
  and not an array) equal to ``P(s+ > s-) + 0.5 · P(s+ = s-)`` over all (positive,
  negative) pairs: tied pairs count one half.
* The inputs (numpy arrays and tensors alike) are never modified, nor reordered
  (``np.asarray`` of a float64 array is that array itself, and of a CPU tensor shares its
  memory: sorting it in place sorts the caller's data).

Forbidden: ready-made ROC/AUC code (``sklearn.metrics`` and torchmetrics).
``np.trapezoid`` / ``torch.trapezoid``, sorting, ``np.unique`` and cumulative sums are fine.
"""

import numpy as np


def roc_curve(y_true, scores) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ROC curve: one point per distinct score, plus (0, 0) at threshold +inf.

    Args:
        y_true: 0/1 labels (list, tuple, numpy array or 1-D tensor), 1 = positive.
        scores: one score per sample, larger = more likely positive.

    Returns:
        ``(fpr, tpr, thresholds)``: float64 numpy arrays of length (number of distinct
        scores + 1). ``thresholds`` is ``[inf, s_1, s_2, ...]`` with the distinct scores
        strictly decreasing; ``fpr[i] = FP / N_neg`` and ``tpr[i] = TP / N_pos`` where a
        sample is positive iff ``score >= thresholds[i]``.

    Raises:
        ValueError: labels other than 0/1, only one class, fewer than 2 samples, or
            lengths that differ.
    """
    raise NotImplementedError("implement roc_curve")


def roc_auc(y_true, scores) -> float:
    """The area under the ROC curve, ``P(s+ > s-) + 0.5 * P(s+ = s-)``.

    Args:
        y_true: 0/1 labels, as for :func:`roc_curve`.
        scores: one score per sample.

    Returns:
        The AUC as a Python float in [0, 1].

    Raises:
        ValueError: in the same cases as :func:`roc_curve`.
    """
    raise NotImplementedError("implement roc_auc")
