# expect: failed sgd_step_is_lr_times_grad_over_batch_size, linear_regression_trains_like_d2l
"""`param = param - ...` builds a new tensor and rebinds a local name: the model's parameter
never changes."""
import torch


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd_(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            grad = param.grad
            param = param - lr * grad / batch_size
            grad.zero_()
