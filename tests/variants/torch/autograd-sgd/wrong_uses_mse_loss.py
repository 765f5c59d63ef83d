# expect: failed loss_is_half_the_squared_error_elementwise
"""torch's MSE loss without reduction, halved: forbidden."""
import torch
import torch.nn.functional as F


def squared_loss(y_hat, y):
    return F.mse_loss(y_hat, y.reshape(y_hat.shape), reduction="none") / 2


def sgd_(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()
