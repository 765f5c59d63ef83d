# expect: failed loss_gradient_is_the_error, linear_regression_trains_like_d2l
"""Goes through numpy, which cuts the loss off the autograd graph."""
import torch


def squared_loss(y_hat, y):
    d = y_hat.detach().cpu().numpy() - y.reshape(y_hat.shape).cpu().numpy()
    return torch.from_numpy(d ** 2 / 2).to(y_hat.device)


def sgd_(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()
