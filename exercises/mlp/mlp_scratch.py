"""A one-hidden-layer MLP from scratch (d2l: Multilayer Perceptrons > Implementation of
Multilayer Perceptrons, d2l-zh 多层感知机的从零开始实现).

The note's 示例:单隐藏层MLP: H is the result of the first (hidden) fully connected layer after
the ReLU activation, and Y (here O) is the final output::

    H = ReLU(X W1 + b1)        X: (n, num_inputs)   W1: (num_inputs, num_hiddens)  b1: (num_hiddens,)
    O = H W2 + b2              H: (n, num_hiddens)  W2: (num_hiddens, num_outputs) b2: (num_outputs,)

It is called a hidden layer because, seen from the output, only the layer just before it is
visible: its values are neither inputs nor supervised outputs. The ReLU is what makes the model
more than linear: without it, ``(X W1 + b1) W2 + b2 = X (W1 W2) + (b1 W2 + b2)`` is one affine
map again. The output O holds raw scores (logits): no activation and no softmax on it, the loss
(cross-entropy from logits) applies the softmax.

Write two functions:

* ``init_mlp_params(num_inputs, num_hiddens, num_outputs, generator=None)`` returns the list
  ``[W1, b1, W2, b2]``: W1 of shape (num_inputs, num_hiddens) and W2 of shape (num_hiddens,
  num_outputs) drawn from the normal distribution N(0, 0.01^2) (standard deviation 0.01,
  mean 0; the checks also test the bell shape, so not a uniform draw of the same spread),
  b1 of shape (num_hiddens,) and b2 of shape (num_outputs,) exactly zero; float32, on the
  CPU. All four must be **trainable leaf tensors**: ``requires_grad`` is True and they are not
  the result of an operation on another tensor that requires grad, so that ``p.grad`` is
  filled by backward and an optimizer can update them. Draw the random numbers with ``generator`` when one is given
  (``torch.randn(..., generator=generator)``): the same seed must give the same parameters.
  With ``generator=None`` use torch's global generator.
* ``mlp_forward(X, params)`` computes O for ``params = [W1, b1, W2, b2]``. Flatten X to
  ``(n, num_inputs)`` first, where n = X.shape[0] and num_inputs = W1.shape[0]: images of
  shape (n, 1, 28, 28) become (n, 784), and a 2-D X stays as it is. Return O of shape
  (n, num_outputs), in X's dtype and on X's device (float32, float64, bfloat16), as a function
  of X and the parameters that autograd can differentiate: backward must reach all four
  parameters.

Worked example: with ``num_inputs = 2``, ``W1 = [[1, -1], [0, 1]]``, ``b1 = [0, 0]``,
``W2 = [[1], [1]]``, ``b2 = [0.5]`` and ``X = [[1, 2]]``: ``X W1 + b1 = [[1, 1]]``,
``H = [[1, 1]]``, ``O = [[2.5]]``; for ``X = [[-1, 0]]``: ``X W1 = [[-1, 1]]``,
``H = [[0, 1]]``, ``O = [[1.5]]``.

The checks also test that neither function modifies its inputs in place (not X, not the
parameters: no ``b1.unsqueeze_(0)``), that the output is not linear in X, and that a
hand-written ReLU keeps H's dtype (``torch.zeros_like(H)``, not ``torch.zeros(H.shape)``).

Departures from d2l: d2l builds the parameters as globals (``W1 = nn.Parameter(torch.randn(
num_inputs, num_hiddens, requires_grad=True) * 0.01)``); here a function returns them and
takes a generator. Mind why d2l wraps them in ``nn.Parameter``: ``torch.randn(...,
requires_grad=True) * 0.01`` alone is the *result* of a multiplication, not a leaf, and its
``.grad`` stays None after backward. d2l flattens with ``X.reshape((-1, num_inputs))``; that is
the same for well-formed inputs.

Forbidden: torch's fully connected layers (``torch.nn.functional.linear``, ``nn.Linear``,
``nn.LazyLinear``, ``nn.Bilinear``, ``torch.nn.functional.bilinear``). Matrix products (``@``,
``torch.matmul``), ``torch.relu`` or your own ReLU, and ``reshape`` are fine.

Check your work with::

    learn check mlp/mlp-scratch
"""

import torch


def init_mlp_params(num_inputs: int, num_hiddens: int, num_outputs: int,
                    generator: torch.Generator | None = None) -> list[torch.Tensor]:
    """The parameters [W1, b1, W2, b2] of a one-hidden-layer MLP.

    Args:
        num_inputs: the number of input features (784 for 28 x 28 images).
        num_hiddens: the width of the hidden layer.
        num_outputs: the number of outputs (classes).
        generator: the torch.Generator to draw the weights with; None means torch's global one.

    Returns:
        ``[W1, b1, W2, b2]``: W1 (num_inputs, num_hiddens) and W2 (num_hiddens, num_outputs)
        from N(0, 0.01^2), b1 (num_hiddens,) and b2 (num_outputs,) zeros; float32 trainable
        leaf tensors (requires_grad=True).
    """
    raise NotImplementedError("implement init_mlp_params")


def mlp_forward(X: torch.Tensor, params: list[torch.Tensor]) -> torch.Tensor:
    """O = ReLU(X W1 + b1) W2 + b2, with X flattened to (n, num_inputs) first.

    Args:
        X: a tensor whose first dimension is the batch; the rest is flattened.
        params: ``[W1, b1, W2, b2]`` as :func:`init_mlp_params` returns them.

    Returns:
        The raw scores O, of shape (n, num_outputs), in X's dtype and on X's device; no
        activation and no softmax on the output.
    """
    raise NotImplementedError("implement mlp_forward")
