# expect: failed loss_is_half_the_squared_error_elementwise, loss_reshapes_y_to_the_shape_of_y_hat, linear_regression_trains_like_d2l
"""Reduces the loss to its mean (what nn.MSELoss does), though the loop sums it."""
import torch


def squared_loss(y_hat, y):
    return ((y_hat - y.reshape(y_hat.shape)) ** 2 / 2).mean()


def sgd_(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()
