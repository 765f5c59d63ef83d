"""Softmax and the cross-entropy loss, overflow-free (d2l: Linear Neural Networks for
Classification > Softmax Regression Implementation from Scratch, and "Softmax Revisited" in the
concise implementation).

The note's MLP ends in a dense layer "与softmax相似", and its RNN section starts from the same
idea: to predict the next word, make one long one-hot vector over the vocabulary, and let a
fully connected layer plus a softmax turn scores into probabilities. Softmax turns a vector of
scores (logits) o into probabilities; cross-entropy measures how little probability the model
gives to the true class::

    softmax(o)_j = exp(o_j) / sum_k exp(o_k)
    cross-entropy of one example with label y:  l = -log softmax(o)_y
                                                  = log(sum_k exp(o_k)) - o_y

Numerical stability is the point of this exercise. exp(1000) overflows to inf in float32, and
inf / inf is NaN, so subtract the maximum first: ``softmax(o) = softmax(o - max(o))`` (the
constant cancels between numerator and denominator, and now every exponent is <= 0). For the
loss, never take the log of a softmax that may have rounded to 0: use the LogSumExp form
``log sum_k exp(o_k) = m + log sum_k exp(o_k - m)`` with ``m = max(o)``.

Worked example (d2l's): ``y_hat = [[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]]`` and ``y = [0, 2]`` pick
the probabilities 0.1 and 0.5, so ``cross_entropy(y_hat, y) = -(ln 0.1 + ln 0.5) / 2 = 1.4979``.
``softmax(torch.tensor([1000., 1000.]))`` is ``[0.5, 0.5]``, not NaN.

Requirements the checks test:

* ``softmax(X, dim=-1)``: X of any rank (1-D included) and any ``dim`` (negative too); the
  result has X's shape, dtype (float16, bfloat16, float32, float64) and device, is
  non-negative and sums to 1 along ``dim``. Subtract the maximum of *each slice* along ``dim``
  (``X.max(dim=dim, keepdim=True).values``), not the maximum of the whole tensor: with rows
  ``[1000, 999]`` and ``[-1000, -999]`` a global maximum makes the second row 0 / 0. Logits of
  +-1000 must give finite, correct results. The result must stay differentiable (autograd).
* ``cross_entropy(y_hat, y)``: ``y_hat`` of shape (n, q) holds probabilities (rows sum to 1),
  ``y`` is an int64 tensor of n class indices in 0..q-1 (not every class need occur among
  them: the number of classes is y_hat's q, not ``y.max() + 1``). Return
  ``-(1/n) sum_i log y_hat[i, y_i]`` as a 0-dim tensor (``shape == ()``) in y_hat's dtype and
  on its device: the mean, not the vector of per-example losses, not the sum, not a Python
  float. Pick each row's entry by its label index
  (``y_hat[torch.arange(n), y]`` or ``gather``), no one-hot matrix needed. Do not clip: a zero
  probability at the label gives +inf (that is the true value). Gradients must flow back to
  y_hat.
* ``cross_entropy_from_logits(logits, y)``: the classes are on dim 1, as in
  ``torch.nn.functional.cross_entropy``: logits (n, q) with y (n,), or logits (n, q, d1, ...)
  with y (n, d1, ...) (for example (batch, vocab, num_steps) with labels (batch, num_steps)).
  Return the mean over every position of ``logsumexp(o) - o_y`` as a 0-dim tensor in the
  logits' dtype and device; it equals ``F.cross_entropy(logits, y)``. It must be finite and
  correct for logits of +-1000, and autograd must give the gradient ``(softmax(o) - onehot(y))
  / N`` (N = the number of positions).
* None of the functions may modify its inputs in place. Tensors you create (indices such as
  ``torch.arange(n)``) must be on the input's device.

Departures from d2l: d2l's scratch ``softmax(X)`` always sums over dim 1 and does not subtract
the maximum (so ``softmax(torch.tensor([[1000., 0.]]))`` is NaN); here ``dim`` is an argument
with default -1 and the maximum is subtracted. d2l-zh's ``cross_entropy`` returns the vector
of per-example losses (its training loop calls ``.mean()`` or ``.sum()``); here it returns the
mean, like d2l-en's and like ``F.cross_entropy``.

Forbidden: torch's own softmax, log-softmax, cross-entropy and negative log-likelihood in every
form (``torch.softmax``, ``torch.nn.functional.softmax``/``log_softmax``/``cross_entropy``/
``nll_loss``, the ``X.softmax()`` and ``X.log_softmax()`` methods, ``torch.special.softmax``,
``nn.Softmax``, ``nn.LogSoftmax``, ``nn.CrossEntropyLoss``, ``nn.NLLLoss`` and kin).
``torch.exp``, ``torch.log``, ``torch.logsumexp``, ``max``, ``sum``, ``gather`` and indexing
are fine.

Check your work with::

    learn check mlp/softmax-cross-entropy
"""

import torch


def softmax(X: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """Softmax of X along ``dim``, computed after subtracting each slice's maximum.

    Args:
        X: a float tensor of any shape, dtype and device.
        dim: the dimension that holds the classes (default -1, the last one).

    Returns:
        A tensor of X's shape, dtype and device whose slices along ``dim`` are non-negative and
        sum to 1; finite for logits of +-1000.
    """
    raise NotImplementedError("implement softmax")


def cross_entropy(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy of predicted probabilities ``y_hat`` (n, q) against labels ``y`` (n,).

    Returns:
        ``-(1/n) sum_i log y_hat[i, y[i]]`` as a 0-dim tensor in y_hat's dtype and device
        (+inf when the probability at a label is 0).
    """
    raise NotImplementedError("implement cross_entropy")


def cross_entropy_from_logits(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy from raw scores, classes on dim 1 (like F.cross_entropy).

    Args:
        logits: (n, q) or (n, q, d1, ...) float scores.
        y: int64 labels of shape (n,) or (n, d1, ...).

    Returns:
        The mean over all positions of ``logsumexp(o) - o_y``, a 0-dim tensor in the logits'
        dtype and device; finite for logits of +-1000. Its gradient with respect to the logits
        is ``(softmax - onehot) / N``.
    """
    raise NotImplementedError("implement cross_entropy_from_logits")
