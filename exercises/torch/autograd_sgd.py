"""Squared loss and minibatch SGD by hand (d2l: Linear Neural Networks > Linear Regression
Implementation from Scratch; d2l-zh 3.2 线性回归的从零开始实现; the note: torch的使用 ›
计算梯度 / 更新模型optim).

Training a model in PyTorch is two steps repeated: *compute the gradients* (autograd:
``l.sum().backward()`` fills ``param.grad`` for every leaf tensor with
``requires_grad=True``) and *update the model* (an optimizer moves every parameter against
its gradient). Here you write the two pieces d2l writes itself before it uses
``nn.MSELoss`` and ``torch.optim.SGD``:

* ``squared_loss(y_hat, y)``: the element-wise loss ``l = (y_hat - y)² / 2``. It is **not**
  reduced: the caller sums it (``l.sum().backward()``). The 1/2 makes the derivative
  clean: ``∂l/∂y_hat = y_hat - y``.
* ``sgd_(params, lr, batch_size)``: one minibatch SGD step, in place, for each parameter
  ``p``::

      p  ←  p - lr · p.grad / batch_size          then   p.grad ← 0

  The loss was *summed* over the minibatch, so its gradient is the sum of the examples'
  gradients; dividing by ``batch_size`` makes the step that of the mean loss. Gradients
  *accumulate*: every ``backward()`` adds into ``p.grad``, so the step must zero them for the
  next minibatch (d2l-en's ``SGD`` class does not divide, because its loss is already a
  mean; this exercise follows d2l-zh's ``sgd``).

Worked example::

    w = torch.tensor([1.0, 2.0], requires_grad=True)
    l = squared_loss(w * 3.0, torch.tensor([2.0, 5.0]))   # tensor([0.5, 0.5]): (1²/2, 1²/2)
    l.sum().backward()                                     # w.grad = 3 * (3w - y) = [3., 3.]
    sgd_([w], lr=0.1, batch_size=2)                        # w = [1 - 0.15, 2 - 0.15]
    w, w.grad                                              # [0.85, 1.85], [0., 0.]

Fill in the two functions, then run::

    learn check torch/autograd-sgd

What the checks test:

* ``squared_loss`` returns a tensor of ``y_hat``'s shape, dtype and device with
  ``(y_hat - y)² / 2`` in every element (any shapes with the same number of elements;
  ``y`` and ``y_hat`` have the same dtype). ``y`` is reshaped to ``y_hat.shape`` first:
  with ``y_hat`` of shape ``(n, 1)`` and ``y`` of shape ``(n,)``, plain ``y_hat - y``
  broadcasts to an ``(n, n)`` matrix, a classic silent bug. The result stays in the autograd
  graph (``∂l/∂y_hat = y_hat - y``: no ``.detach()``, ``.item()``, ``.numpy()``), and neither
  input is modified.
* ``sgd_`` changes each tensor of ``params`` **in place** (the same tensor objects in the
  same memory, so a model or an optimizer that holds them sees the new values): build no new
  tensors, do not reassign the list's entries or ``p.data``. Each stays a leaf with
  ``requires_grad=True`` and no autograd history, so do the update under
  ``torch.no_grad()`` (outside it, ``p -= ...`` on a leaf that requires grad raises
  ``RuntimeError``). Afterwards every ``p.grad`` is a tensor of zeros (``p.grad.zero_()``;
  not ``None``). It returns ``None``. Any number of parameters, of any shape, float32 or
  float64, on any device.
* Together they train d2l's linear regression (``w = [2, -3.4]``, ``b = 4.2``, noise 0.01,
  1000 examples, ``lr = 0.03``, batch size 10, 3 epochs) with d2l's loop
  (``l = squared_loss(X @ w + b, y); l.sum().backward(); sgd_([w, b], lr, batch_size)``):
  the checks run that loop with your two functions and compare the parameters after every
  epoch with the reference's (and ``w`` must end within 0.05 of the truth).

Forbidden: ``torch.optim.SGD`` (and torch's functional sgd) and torch's MSE loss
(``torch.nn.functional.mse_loss``, ``nn.MSELoss``): write the formulas.
"""

import torch


def squared_loss(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The element-wise squared loss ``(y_hat - y)² / 2``, not reduced.

    Args:
        y_hat: predictions, e.g. of shape ``(n, 1)``.
        y: targets with as many elements as ``y_hat`` (e.g. ``(n,)`` or ``(n, 1)``) and the
            same dtype; reshaped to ``y_hat.shape`` before subtracting.

    Returns:
        A tensor of ``y_hat``'s shape, dtype and device, in the autograd graph of ``y_hat``.
    """
    raise NotImplementedError("implement squared_loss")


def sgd_(params: list[torch.Tensor], lr: float, batch_size: int) -> None:
    """One minibatch SGD step, in place: ``p -= lr * p.grad / batch_size``, then zero
    ``p.grad``, for every ``p`` in ``params``.

    Args:
        params: leaf tensors with ``requires_grad=True`` whose ``.grad`` holds the gradient
            of the loss summed over the minibatch.
        lr: the learning rate.
        batch_size: the number of examples the loss was summed over.

    Returns:
        None. The tensors themselves change (same objects, same memory, still leaves that
        require grad); their gradients become zeros.
    """
    raise NotImplementedError("implement sgd_")
