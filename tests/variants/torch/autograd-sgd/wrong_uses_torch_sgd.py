# expect: failed sgd_step_is_lr_times_grad_over_batch_size
"""Hands the step to torch.optim.SGD, which the exercise forbids."""
import torch


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd_(params, lr, batch_size):
    opt = torch.optim.SGD(params, lr=lr / batch_size)
    opt.step()
    opt.zero_grad(set_to_none=False)
