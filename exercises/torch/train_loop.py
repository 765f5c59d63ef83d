"""A training loop, evaluation, and saving a model (d2l: Softmax Regression's ``accuracy``,
LeNet's ``evaluate_accuracy_gpu`` and ``train_ch6``, Builders' Guide > File I/O; d2l-zh
3.6 softmax回归的从零开始实现, 6.6 卷积神经网络(LeNet), 5.5 读写文件; the note: torch的使用 ›
建立网络 / 更新模型optim / 训练train / test / 保存save).

Every PyTorch training script is the same few steps: build the network, then for every epoch
*train* (for each minibatch: forward, loss, zero the gradients, backward, optimizer step),
*test* (measure the accuracy on held-out data, with the model in evaluation mode), and
finally *save* the learned parameters. Here you write those pieces; the network, the batches,
the loss and the optimizer are given to you.

* ``accuracy(y_hat, y)``: the **number** of correct predictions, as a Python float. If
  ``y_hat`` is 2-D with more than one column it holds one score per class, and the
  prediction is ``y_hat.argmax(dim=1)``; otherwise ``y_hat`` already holds predicted labels.
  Cast the predictions to ``y``'s dtype before comparing (``y_hat.to(y.dtype) == y``).
* ``evaluate_accuracy(net, data_iter, device=None)``: the fraction of correct predictions
  over all examples of ``data_iter`` (an iterable of ``(X, y)`` batches). Call
  ``net.eval()`` first (dropout off, batch norm uses and keeps its running statistics) and
  run the forward passes under ``torch.no_grad()``. ``device`` defaults to the device of the
  net's first parameter (``next(iter(net.parameters())).device``); move every ``X`` and ``y``
  there. Count correct predictions and examples over all batches and divide once at the end:
  the last batch may be shorter, and an average of per-batch accuracies would weigh its
  examples more. Leave the net in eval mode (as d2l does: ``train_epoch`` switches back).
* ``train_epoch(net, train_iter, loss, optimizer, device)``: one pass over ``train_iter``.
  Call ``net.train()`` first (an evaluation may have left it in eval mode), then for each
  batch: move ``X`` and ``y`` to ``device``, ``optimizer.zero_grad()``,
  ``y_hat = net(X)``, ``l = loss(y_hat, y)`` (the batch's **mean** loss), ``l.backward()``,
  ``optimizer.step()``. Accumulate ``l * batch_size``, the number of correct predictions
  (of this ``y_hat``, computed before the step) and the number of examples. Return
  ``(total loss / N, correct / N)``: the mean loss per example and the training accuracy
  over the epoch, both Python floats.
* ``save_params(net, path)``: ``torch.save(net.state_dict(), path)``: only the tensors by
  name (weights, biases and buffers such as batch norm's running statistics), not the
  pickled module.
* ``load_params(make_net, path)``: ``net = make_net()`` builds a fresh network of the same
  architecture; load the saved state into it (``net.load_state_dict(torch.load(path))``),
  switch it to eval mode and return it.

Worked example::

    y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]]); y = torch.tensor([0, 2])
    accuracy(y_hat, y)            # 1.0: predictions [2, 2], one of them right
    # batches of 4, 4 and 2 examples with mean losses 1.0, 1.0 and 0.5:
    # train_epoch's loss is (4*1.0 + 4*1.0 + 2*0.5) / 10 = 0.9, not (1.0 + 1.0 + 0.5) / 3

Fill in the five functions, then run::

    learn check torch/train-loop

What the checks test:

* ``accuracy``: the count for scores of shape ``(n, C)`` and for 1-D predicted labels (float
  or int), on the inputs' device; a Python ``float``.
* ``evaluate_accuracy``: the fraction over every example, with batches of uneven size, for
  ``device`` given and omitted; a probe layer inside the net records ``net.training`` and
  ``torch.is_grad_enabled()`` in every forward pass, and both must be False; batch norm's
  running statistics and every parameter are unchanged afterwards, and the net is left in
  eval mode. A Python ``float``.
* ``train_epoch``: starting from a net in eval mode, every forward pass runs in training
  mode with gradients on; after one epoch (the batches come in a fixed order, as a list or a
  ``DataLoader`` without shuffling) every parameter and buffer equals the reference's after
  the same steps (so: zero the gradients before each backward, one step per batch, no extra
  steps); the two returned numbers equal the per-example mean loss and the accuracy, with
  an uneven last batch; both Python ``float``.
* ``save_params``/``load_params``: the file is a state_dict (it loads with
  ``torch.load(path, weights_only=True)`` as a dict of tensors); the net ``load_params``
  returns is the one ``make_net()`` built, holds the saved values (parameters *and* buffers)
  and gives the same outputs as the saved net; it comes back in eval mode. The checks give a
  path under /tmp and remove the file afterwards.

Departures from d2l: d2l's ``evaluate_accuracy_gpu`` and ``train_ch6`` use an
``Accumulator`` and an ``Animator``, build the optimizer and loss themselves, initialize
the weights and loop over epochs; here one epoch is one call, and the loss and optimizer
are arguments. ``optimizer`` is any object with torch.optim's interface (``zero_grad()``,
``step()``; the checks give one that is not ``torch.optim.SGD``), and ``loss`` any callable
that returns the batch's mean loss (``nn.CrossEntropyLoss()`` in the checks): call the ones
you are given, do not build others. Nothing is forbidden.
"""

import torch
from torch import nn


def accuracy(y_hat, y):
    """The number of correct predictions, as a float.

    Args:
        y_hat: scores of shape ``(n, num_classes)``, or predicted labels of shape ``(n,)``.
        y: the true labels, shape ``(n,)``.
    """
    raise NotImplementedError("implement accuracy")


def evaluate_accuracy(net, data_iter, device=None):
    """The accuracy of ``net`` over every example of ``data_iter``, in eval mode, without
    gradients; ``device`` defaults to the device of the net's first parameter."""
    raise NotImplementedError("implement evaluate_accuracy")


def train_epoch(net, train_iter, loss, optimizer, device):
    """Train ``net`` for one epoch; return ``(mean loss per example, training accuracy)``."""
    raise NotImplementedError("implement train_epoch")


def save_params(net, path):
    """Save ``net.state_dict()`` to ``path``."""
    raise NotImplementedError("implement save_params")


def load_params(make_net, path):
    """Build ``make_net()``, load the state saved at ``path`` into it, return it in eval
    mode."""
    raise NotImplementedError("implement load_params")
