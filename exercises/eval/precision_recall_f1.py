"""Precision, recall and F1 from scratch (the note's 插入 › 模型评价: P, R, F).

The note calls them "the familiar P, R, F". For one class, the *positive* one, every sample
falls into one cell of the confusion matrix:

* TP: truly positive and predicted positive;  FP: truly negative but predicted positive;
* FN: truly positive but predicted negative;  TN: the rest (no metric below uses it).

Then::

    precision P = TP / (TP + FP)      of what you called positive, how much really is
    recall    R = TP / (TP + FN)      of what really is positive, how much you found
    F1          = 2 P R / (P + R)  =  2 TP / (2 TP + FP + FN)   (the harmonic mean of P and R)

**Worked example.** ``y_true = [1, 1, 0, 1, 0]`` and ``y_pred = [1, 0, 1, 1, 0]`` with positive
label 1: TP = 2 (positions 0 and 3), FP = 1 (position 2), FN = 1 (position 1), so P = 2/3,
R = 2/3 and F1 = 4/6 = 2/3.

**Macro F1** for several classes: take each label in ``labels`` in turn as the positive class
(every other label counts as negative: "one vs rest"), compute that class's F1, and return
the plain (unweighted) mean of those F1 values. It is *not* the F1 of the mean precision and
the mean recall.

d2l has no code for these metrics (they come from the CS329P lecture the note follows); the
edge cases follow scikit-learn's ``zero_division=0`` convention.

Fill in the two functions that raise ``NotImplementedError``, then run::

    learn check eval/precision-recall-f1

What the checks test:

* ``y_true`` and ``y_pred`` are 1-D sequences of equal length: Python lists, tuples, numpy
  arrays or 1-D torch tensors (on any device, the CPU or a GPU). Labels are integers (or
  bools: True is the label 1, False the label 0); a sample is positive when its label
  ``== pos_label``, and every other value is negative (with ``pos_label=2`` and labels 0..3,
  the classes 0, 1 and 3 are all negative). Labels may be negative too: with the -1/+1
  convention, ``pos_label=-1`` makes -1 the positive class.
* ``precision_recall_f1`` returns a tuple ``(P, R, F1)`` of three Python floats (``float(x)``
  of a numpy or torch number is enough); ``macro_f1`` returns one Python float. Not a
  tensor, not ``np.float32``.
* Any 0 / 0 gives 0.0: no NaN and no ``ZeroDivisionError``. So: no predicted positives gives
  P = 0; no true positives in ``y_true`` gives R = 0; TP = 0 gives F1 = 0 (careful: then P = R
  = 0 and ``2PR/(P+R)`` is 0/0 too); empty inputs give (0.0, 0.0, 0.0), and ``macro_f1``
  of empty inputs gives 0.0. These zeros are floats too: ``0.0``, not the int ``0``.
* ``pos_label`` may be any label, not only 1.
* ``macro_f1`` averages over exactly the given ``labels`` (a non-empty list), in that
  order or any: a label that appears in neither input has F1 = 0 and still counts in the
  mean; a class that appears in the data but not in ``labels`` is not averaged.
* Inputs of different lengths raise ``ValueError`` (in both functions); do not let ``zip``
  silently drop the tail, nor numpy broadcast a single label against many (compare the
  lengths yourself).
* The inputs (numpy arrays and tensors alike) are never modified in place (the caller
  still needs them): do not binarize the labels inside the array you were given
  (``np.asarray`` of a numpy array is that array, and of a CPU tensor shares its memory).

Forbidden: ready-made metrics (``sklearn.metrics`` and torchmetrics). Counting with Python,
numpy or torch is what the exercise is about.
"""


def precision_recall_f1(y_true, y_pred, pos_label=1) -> tuple[float, float, float]:
    """Precision, recall and F1 of the class ``pos_label``.

    Args:
        y_true: the true labels, a list, tuple, numpy array or 1-D tensor.
        y_pred: the predicted labels, the same kind of sequence, of the same length.
        pos_label: the label of the positive class; every other label is negative.

    Returns:
        ``(precision, recall, f1)`` as Python floats, each 0.0 where its formula is 0 / 0.

    Raises:
        ValueError: if ``y_true`` and ``y_pred`` have different lengths.
    """
    raise NotImplementedError("implement precision_recall_f1")


def macro_f1(y_true, y_pred, labels) -> float:
    """The unweighted mean, over ``labels``, of each class's one-vs-rest F1.

    Args:
        y_true: the true labels (list, tuple, numpy array or 1-D tensor).
        y_pred: the predicted labels, of the same length.
        labels: a non-empty list of the class labels to average over.

    Returns:
        A Python float: ``mean(F1 of class c for c in labels)``.

    Raises:
        ValueError: if ``y_true`` and ``y_pred`` have different lengths.
    """
    raise NotImplementedError("implement macro_f1")
