# expect: passed
"""d2l's own formulas: sigmoid as 1 / (1 + exp(-x)) (which already stays finite in float32:
exp(1000) = inf gives 1 / inf = 0), relu as torch.max(X, zeros_like(X)) (mlp-scratch), tanh
through the identity tanh(x) = 2 sigmoid(2x) - 1 from d2l's exercises, and the derivatives d2l
plots with autograd, written as formulas."""
import torch


def sigmoid(x):
    return 1 / (1 + torch.exp(-x))


def sigmoid_grad(x):
    return sigmoid(x) * (1 - sigmoid(x))


def relu(X):
    a = torch.zeros_like(X)
    return torch.max(X, a)


def relu_grad(X):
    return (X > 0).type(X.dtype)


def tanh(x):
    return 2 * sigmoid(2 * x) - 1


def tanh_grad(x):
    return 1 - tanh(x) ** 2


def scaled_sigmoid(x):
    return 4 * sigmoid(x) - 2
