# expect: failed only sgd_zeroes_the_gradients
"""Sets the gradients to None instead of zeroing them (the stub asks for zeros)."""
import torch


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd_(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad = None
