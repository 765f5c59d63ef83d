# expect: failed only loss_reshapes_y_to_the_shape_of_y_hat
"""The classic broadcast bug: (n, 1) - (n,) gives (n, n)."""
import torch


def squared_loss(y_hat, y):
    return (y_hat - y) ** 2 / 2


def sgd_(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()
