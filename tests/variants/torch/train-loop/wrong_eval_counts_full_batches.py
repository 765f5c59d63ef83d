# expect: failed only evaluate_accuracy_is_the_fraction_over_all_examples
"""Counts the examples as number of batches times the first batch's size: the short last batch is counted as full."""
"""Reference solution for exercises/torch/train_loop.py."""

import torch
from torch import nn


def accuracy(y_hat, y):
    # Scores of shape (n, num_classes): the prediction is the class with the largest score.
    if y_hat.dim() > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(dim=1)
    # Compare in y's dtype (float predictions against int64 labels would never be ==).
    correct = y_hat.to(y.dtype) == y
    return float(correct.sum().item())


def evaluate_accuracy(net, data_iter, device=None):
    # eval(): dropout off, batch norm uses its running statistics (and leaves them alone).
    net.eval()
    if device is None:
        device = next(iter(net.parameters())).device
    correct, batches, batch_size = 0.0, 0, None
    with torch.no_grad():
        for X, y in data_iter:
            X, y = X.to(device), y.to(device)
            correct += accuracy(net(X), y)
            batch_size = batch_size or y.numel()     # the size of the first batch
            batches += 1
    total = batches * batch_size                     # as if every batch were full
    # Count correct predictions and examples, then divide once: a short last batch must not
    # weigh as much as a full one.
    return correct / total


def train_epoch(net, train_iter, loss, optimizer, device):
    # An evaluation before may have left the net in eval mode.
    net.train()
    total_loss, correct, count = 0.0, 0.0, 0
    for X, y in train_iter:
        X, y = X.to(device), y.to(device)
        optimizer.zero_grad()
        y_hat = net(X)
        l = loss(y_hat, y)          # the mean over the batch
        l.backward()
        optimizer.step()
        with torch.no_grad():
            # l is a mean: weigh it by the batch size to get a per-example average later.
            total_loss += float(l) * X.shape[0]
            correct += accuracy(y_hat, y)
            count += X.shape[0]
    return total_loss / count, correct / count


def save_params(net, path):
    # Only the tensors, by name: the architecture is code, rebuilt when loading.
    torch.save(net.state_dict(), path)


def load_params(make_net, path):
    net = make_net()
    net.load_state_dict(torch.load(path, map_location=next(net.parameters()).device))
    # Loaded for inference: dropout and batch norm in their evaluation behaviour.
    net.eval()
    return net
