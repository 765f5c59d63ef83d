# expect: failed loss_is_half_the_squared_error_elementwise, loss_gradient_is_the_error, linear_regression_trains_like_d2l
"""Forgets the 1/2 of the squared loss."""
import torch


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2


def sgd_(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()
