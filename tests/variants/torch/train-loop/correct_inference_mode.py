# expect: passed
"""Correct, written differently: inference_mode for evaluation, net.zero_grad() after the
step (the grads start empty), l.item() * len(y), weights_only loading and eval() chained."""
import torch


def accuracy(y_hat, y):
    pred = y_hat.argmax(dim=1) if y_hat.ndim == 2 and y_hat.size(1) > 1 else y_hat
    return float((pred.to(y.dtype) == y).sum().item())


def evaluate_accuracy(net, data_iter, device=None):
    net.eval()
    device = device if device is not None else next(net.parameters()).device
    hits = seen = 0
    with torch.inference_mode():
        for X, y in data_iter:
            y = y.to(device)
            hits += int(accuracy(net(X.to(device)), y))
            seen += len(y)
    return hits / seen


def train_epoch(net, train_iter, loss, optimizer, device):
    net.train(True)
    loss_sum, hits, seen = 0.0, 0.0, 0
    for X, y in train_iter:
        X = X.to(device)
        y = y.to(device)
        out = net(X)
        batch_loss = loss(out, y)
        batch_loss.backward()
        optimizer.step()
        net.zero_grad()
        loss_sum += batch_loss.item() * len(y)
        hits += accuracy(out.detach(), y)
        seen += len(y)
    return loss_sum / seen, hits / seen


def save_params(net, path):
    state = net.state_dict()
    torch.save(state, str(path))


def load_params(make_net, path):
    net = make_net()
    state = torch.load(path, map_location="cpu", weights_only=True)
    net.load_state_dict(state, strict=True)
    return net.eval()
