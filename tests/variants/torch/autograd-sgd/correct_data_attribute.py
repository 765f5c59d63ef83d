# expect: passed
"""Correct, the older idiom: update p.data in place (no no_grad needed: .data is outside
autograd), and zero the gradient through grad.data."""


def squared_loss(y_hat, y):
    y = y.reshape(y_hat.shape)
    d = y_hat - y
    return d * d / 2.0


def sgd_(params, lr, batch_size):
    for i in range(len(params)):
        g = params[i].grad
        params[i].data.add_(-lr / batch_size * g.data)
        g.data.zero_()
