# expect: failed only loss_does_not_modify_its_inputs
"""Negates y in place through the reshaped view (which shares y's memory)."""
import torch


def squared_loss(y_hat, y):
    y = y.reshape(y_hat.shape)
    y.neg_()
    return (y_hat + y) ** 2 / 2


def sgd_(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()
