# expect: failed sgd_keeps_the_same_leaf_tensors, sgd_step_is_lr_times_grad_over_batch_size
"""Puts new tensors into the list instead of updating the parameters in place."""
import torch


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd_(params, lr, batch_size):
    with torch.no_grad():
        for i, param in enumerate(params):
            params[i] = (param - lr * param.grad / batch_size).requires_grad_(True)
            param.grad.zero_()
