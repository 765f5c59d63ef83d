"""Reading data in minibatches (d2l: Linear Neural Networks > Linear Regression
Implementation from Scratch, "Reading the Dataset", and the concise implementation's
``load_array``; d2l-zh 3.2.2 读取数据集 and 3.3.2; the note: torch的使用 › 数据读取).

Minibatch SGD needs, for every epoch, the data set cut into small random batches. Two ways:

* ``data_iter(batch_size, features, labels, generator=None)``, by hand: draw a random
  permutation of the row indices ``0 .. n-1``, cut it into consecutive chunks of
  ``batch_size`` (the last chunk keeps what is left, so it may be smaller), and for each chunk
  yield ``(features[chunk], labels[chunk])``. Every example appears exactly once per pass,
  and the *same* indices select its features and its label. Each call (each epoch) draws a
  new permutation: reading the examples in a fixed order would make consecutive minibatches
  correlated, and shuffling only the order of fixed batches would keep the same examples
  together forever.
* ``load_array(arrays, batch_size, is_train=True)``, with PyTorch's tools: wrap the tensors
  in ``torch.utils.data.TensorDataset(*arrays)`` and return
  ``torch.utils.data.DataLoader(dataset, batch_size, shuffle=is_train)``. A DataLoader
  reshuffles on every pass when ``shuffle=True``; for evaluation (``is_train=False``) the
  examples come in their original order.

Worked example (n = 5 examples, batch size 2)::

    features = torch.arange(10.0).reshape(5, 2); labels = torch.arange(5)
    for X, y in data_iter(2, features, labels):
        print(y)              # e.g. tensor([3, 0]), tensor([4, 1]), tensor([2]): sizes 2, 2, 1
    # each X is features[y]: the rows of its own labels

Fill in the two functions, then run::

    learn check torch/data-iter

What the checks test:

* ``data_iter`` yields tuples ``(X, y)`` of tensors: the row ids of the labels over one pass
  are every row exactly once; the batch sizes are ``[b, ..., b, n mod b]`` (no empty batch
  when ``b`` divides ``n``; one batch of ``n`` when ``b > n``); ``X`` is exactly the
  features of its labels' rows (features of any shape ``(n, ...)``); ``X`` and ``y`` keep
  the inputs' dtypes (e.g. float64 features, int64 labels) and device; the examples
  themselves are shuffled (two neighbouring rows land in the same batch no more often than
  chance), with a new order on every call. With ``generator`` (a ``torch.Generator``) the
  order comes from it, e.g. ``torch.randperm(n, generator=generator)``: two generators with
  the same seed give the same batches, and two calls with the same generator give different
  ones (it moves on). The generator lives on the CPU, so draw the permutation there (no
  ``device=`` argument to ``randperm``: a CPU generator cannot draw on a GPU) and index the
  tensors with it, moved to their device if they are on a GPU. With ``generator=None`` use
  torch's global random numbers (``torch.randperm(n)``), never a fixed seed. ``features``
  and ``labels`` are not modified.
* ``load_array`` returns a ``torch.utils.data.DataLoader`` whose ``batch_size`` is
  ``batch_size``, over any number of tensors (``(X, y)``, ``(X, y, w)``, ...). A pass over it
  gives every example once, in batches of ``[b, ..., b, n mod b]`` with the arrays' rows kept
  together; with ``is_train=False`` in the original order, with ``is_train=True`` in an
  order that is shuffled again on every pass. The batches keep the arrays' dtypes and device
  (no casting: int64 labels stay int64).

Departures from d2l: d2l's ``data_iter`` shuffles a Python list with ``random.shuffle``;
here the permutation may come from a ``torch.Generator`` (the ``generator`` argument), so
that a run can be replayed. ``data_iter`` is written by hand: do not use
``torch.utils.data`` in it (``load_array`` is the place for it).
"""

import torch
from torch.utils import data


def data_iter(batch_size, features, labels, generator=None):
    """Yield ``(features[idx], labels[idx])`` for consecutive chunks ``idx`` of a fresh random
    permutation of the ``n = len(features)`` rows.

    Args:
        batch_size: the number of examples per batch (the last batch may be smaller).
        features: a tensor of shape ``(n, ...)``.
        labels: a tensor of shape ``(n, ...)``, on the same device.
        generator: a ``torch.Generator`` to draw the permutation from, or None for torch's
            global random numbers.

    Yields:
        Tuples ``(X, y)`` of tensors with the inputs' dtypes and device; together, one pass
        holds every example exactly once.
    """
    raise NotImplementedError("implement data_iter")


def load_array(arrays, batch_size, is_train=True):
    """A ``torch.utils.data.DataLoader`` over ``TensorDataset(*arrays)``.

    Args:
        arrays: a tuple of tensors with the same first dimension ``n``.
        batch_size: the loader's batch size.
        is_train: shuffle (again on every pass) when True; keep the order when False.

    Returns:
        The DataLoader.
    """
    raise NotImplementedError("implement load_array")
