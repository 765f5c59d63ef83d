"""Activation functions and their derivatives (d2l: Multilayer Perceptrons > Activation Functions;
course: 数值稳定性 > 调整sigmoid激活函数).

An MLP stacks fully connected layers; without a non-linear activation between them the stack
collapses into one affine map. The note uses two activations::

    sigmoid(x) = 1 / (1 + exp(-x))          ReLU(x) = max(0, x)

and the course adds tanh and a rescaled sigmoid. You write the functions and, by hand, their
derivatives (what autograd would compute), because the derivatives explain the note's two
stability remarks: 梯度消失 (vanishing gradients) is typical of sigmoid, since
sigmoid'(x) = sigmoid(x) (1 - sigmoid(x)) is at most 0.25 (at x = 0) and nearly 0 once the unit
saturates, and a product of many such factors shrinks towards 0.

The formulas:

* ``sigmoid(x) = 1 / (1 + e^{-x})``, ``sigmoid'(x) = sigmoid(x) (1 - sigmoid(x))``.
* ``relu(x) = max(0, x)``; ``relu'(x) = 1`` for x > 0 and ``0`` for x <= 0 (at x = 0 the
  derivative does not exist; like d2l, take the left-hand derivative, 0).
* ``tanh(x) = (1 - e^{-2x}) / (1 + e^{-2x})``, ``tanh'(x) = 1 - tanh(x)^2``.
* ``scaled_sigmoid(x) = 4 sigmoid(x) - 2`` (the course slide). Near 0 the Taylor expansions are
  ``sigmoid(x) = 1/2 + x/4 - x^3/48 + O(x^5)``, ``tanh(x) = x - x^3/3 + O(x^5)`` and
  ``relu(x) = x`` for x >= 0. tanh and relu behave like the identity near 0 (f(0) = 0,
  f'(0) = 1), which the variance-preserving initialization analysis assumes; sigmoid does not
  (f(0) = 1/2, f'(0) = 1/4). Rescaling gives ``4 sigmoid(x) - 2 = x - x^3/12 + ...``: through
  the origin with slope 1.

Worked example: ``sigmoid(0) = 0.5``, ``sigmoid_grad(0) = 0.25``, ``relu(-2.0) = 0``,
``relu_grad(0.0) = 0``, ``relu_grad(3.0) = 1``, ``tanh_grad(0) = 1``, ``scaled_sigmoid(0) = 0``.

Requirements the checks test, for every function:

* ``x`` is a float tensor of any shape (0-d included), dtype float16, bfloat16, float32 or
  float64, on any device. The result has x's shape, dtype and device (``relu_grad`` too: a
  float tensor of 0s and 1s in x's dtype, not a bool tensor). A helper tensor you create
  (``torch.zeros(x.shape)`` is float32 on the CPU) must be made with x's dtype and device
  (``torch.zeros_like(x)``).
* Values are compared with a float64 computation (float32: rtol 1e-5, atol 1e-6).
* Numerical stability: ``sigmoid``, ``sigmoid_grad``, ``tanh``, ``tanh_grad`` and
  ``scaled_sigmoid`` must give finite, correct values (never NaN or inf) for inputs as large
  as x = +-1000. The textbook formulas can break there: ``e^{1000}`` overflows to inf in
  float32, and ``inf / inf`` or ``inf - inf`` is NaN (tanh's formula above is one such case
  for x = -1000; so is ``e^x / (1 + e^x)`` for x = 1000). Rewrite them so that nothing
  overflows (a hint: tanh(x) = 2 sigmoid(2x) - 1, and sigmoid can take a different, equal
  form for x < 0).
* ``sigmoid``, ``relu``, ``tanh`` and ``scaled_sigmoid`` must stay differentiable: build them
  from torch operations on x (no ``.item()``, numpy or ``.detach()``), so that autograd gives
  the derivative above (checked for moderate inputs, |x| <= 10, and for sigmoid and tanh at
  x = 0 exactly: ``torch.abs`` and ``torch.sign`` have autograd derivative 0 at 0, so a stable
  form built on ``exp(-|x|)`` gets the slope there wrong; ``torch.clamp`` or
  ``torch.where(x >= 0, ...)`` pass the gradient).
* ``scaled_sigmoid(0)`` is exactly 0 and its slope at 0 (by autograd) is 1.
* Do not modify ``x`` in place.

Departures from d2l: d2l calls ``torch.sigmoid``, ``torch.relu`` and ``torch.tanh`` and lets
autograd draw the derivative curves; here you write the functions and the derivatives
yourself. d2l's ``relu`` builds ``torch.zeros_like(X)``, which already has X's dtype and
device: keep it that way.

Forbidden: torch's own implementations of these activations in every form (``torch.sigmoid``,
``torch.relu``, ``torch.tanh``, ``torch.special.expit``, their ``torch.nn.functional``
versions, the ``x.sigmoid()`` / ``x.relu()`` / ``x.tanh()`` methods, ``threshold``,
``relu6``, ``logsigmoid``, ``nn.Sigmoid``, ``nn.ReLU``, ``nn.Tanh`` and friends).
``torch.exp``, ``torch.abs``, ``torch.where``, ``torch.clamp``, ``torch.maximum`` and
arithmetic are fine.

Check your work with::

    learn check mlp/activations
"""

import torch


def sigmoid(x: torch.Tensor) -> torch.Tensor:
    """The logistic function 1 / (1 + exp(-x)), element-wise and overflow-free.

    Args:
        x: a float tensor of any shape, dtype and device.

    Returns:
        A tensor of x's shape, dtype and device with values in [0, 1]; finite for x = +-1000.
    """
    raise NotImplementedError("implement sigmoid")


def sigmoid_grad(x: torch.Tensor) -> torch.Tensor:
    """The derivative of sigmoid at x: sigmoid(x) * (1 - sigmoid(x)).

    ``x`` is the input of sigmoid (not its output). The maximum is 0.25 at x = 0; the value
    goes to 0 (never NaN) as |x| grows.
    """
    raise NotImplementedError("implement sigmoid_grad")


def relu(x: torch.Tensor) -> torch.Tensor:
    """max(0, x), element-wise, in x's dtype and on x's device."""
    raise NotImplementedError("implement relu")


def relu_grad(x: torch.Tensor) -> torch.Tensor:
    """The derivative of relu at x: 1 where x > 0, 0 where x <= 0 (0 at x = 0).

    Returns a float tensor of 0s and 1s in x's dtype (not bool), of x's shape and device.
    """
    raise NotImplementedError("implement relu_grad")


def tanh(x: torch.Tensor) -> torch.Tensor:
    """(1 - exp(-2x)) / (1 + exp(-2x)), element-wise, in [-1, 1], finite for x = +-1000."""
    raise NotImplementedError("implement tanh")


def tanh_grad(x: torch.Tensor) -> torch.Tensor:
    """The derivative of tanh at x: 1 - tanh(x)^2 (1 at x = 0, towards 0 as |x| grows)."""
    raise NotImplementedError("implement tanh_grad")


def scaled_sigmoid(x: torch.Tensor) -> torch.Tensor:
    """The course's rescaled sigmoid 4 * sigmoid(x) - 2: f(0) = 0 and f'(0) = 1."""
    raise NotImplementedError("implement scaled_sigmoid")
