# expect: failed only sgd_keeps_the_same_leaf_tensors
"""Gives each parameter new memory with `p.data = ...` (values right, memory not kept)."""
import torch


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd_(params, lr, batch_size):
    for param in params:
        param.data = param.data - lr * param.grad / batch_size
        param.grad.zero_()
