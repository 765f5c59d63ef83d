# expect: failed only evaluate_accuracy_is_the_fraction_over_all_examples
"""Averages the per-batch accuracies, so the short last batch weighs as much as a full one."""
import torch
from torch import nn


def accuracy(y_hat, y):
    if y_hat.dim() > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(dim=1)
    return float((y_hat.to(y.dtype) == y).sum())


def evaluate_accuracy(net, data_iter, device=None):
    net.eval()
    if device is None:
        device = next(iter(net.parameters())).device
    correct, total = 0.0, 0
    with torch.no_grad():
        for X, y in data_iter:
            X, y = X.to(device), y.to(device)
            correct += accuracy(net(X), y) / y.numel()
            total += 1
    return correct / total


def train_epoch(net, train_iter, loss, optimizer, device):
    net.train()
    total_loss, correct, count = 0.0, 0.0, 0
    for X, y in train_iter:
        X, y = X.to(device), y.to(device)
        optimizer.zero_grad()
        y_hat = net(X)
        l = loss(y_hat, y)
        l.backward()
        optimizer.step()
        with torch.no_grad():
            total_loss += float(l) * X.shape[0]
            correct += accuracy(y_hat, y)
            count += X.shape[0]
    return total_loss / count, correct / count


def save_params(net, path):
    torch.save(net.state_dict(), path)


def load_params(make_net, path):
    net = make_net()
    net.load_state_dict(torch.load(path))
    net.eval()
    return net
