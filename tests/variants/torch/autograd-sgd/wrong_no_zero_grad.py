# expect: failed sgd_zeroes_the_gradients, linear_regression_trains_like_d2l
"""Forgets to zero the gradients, so they accumulate over the minibatches."""
import torch


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd_(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
