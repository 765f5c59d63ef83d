# expect: failed sgd_step_is_lr_times_grad_over_batch_size, linear_regression_trains_like_d2l
"""d2l-en's SGD step (no division by the batch size) with d2l-zh's summed loss."""
import torch


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd_(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad
            param.grad.zero_()
