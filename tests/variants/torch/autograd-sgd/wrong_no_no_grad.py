# expect: failed sgd_step_is_lr_times_grad_over_batch_size, sgd_keeps_the_same_leaf_tensors, sgd_zeroes_the_gradients, linear_regression_trains_like_d2l
"""Updates in place without torch.no_grad(): PyTorch refuses an in-place change of a leaf
that requires grad."""


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd_(params, lr, batch_size):
    for param in params:
        param -= lr * param.grad / batch_size
        param.grad.zero_()
