# expect: passed
"""Correct, written differently: torch.max(...).indices and count_nonzero, train(False), net.zero_grad(), a list of per-batch losses, a file object for torch.save, weights_only loading."""
import torch


def accuracy(y_hat, y):
    pred = y_hat if y_hat.ndim == 1 or y_hat.size(1) == 1 else torch.max(y_hat, 1).indices
    return float(torch.count_nonzero(torch.eq(pred.reshape(y.shape).type(y.dtype), y)))


def evaluate_accuracy(net, data_iter, device=None):
    net.train(False)
    dev = device if device is not None else list(net.parameters())[0].device
    hits, seen = 0, 0
    for X, y in data_iter:
        with torch.no_grad():
            out = net(X.to(dev))
        hits += int(accuracy(out, y.to(dev)))
        seen += len(y)
    return hits / seen


def train_epoch(net, train_iter, loss, optimizer, device):
    net.train(True)
    losses, hits, seen = [], 0, 0
    for X, y in train_iter:
        X, y = X.to(device), y.to(device)
        net.zero_grad()
        out = net(X)
        batch_loss = loss(out, y)
        batch_loss.backward()
        optimizer.step()
        losses.append(batch_loss.item() * len(y))
        hits += accuracy(out.detach(), y)
        seen += len(y)
    return sum(losses) / seen, hits / seen


def save_params(net, path):
    with open(path, "wb") as f:
        torch.save({k: v.detach().cpu() for k, v in net.state_dict().items()}, f)


def load_params(make_net, path):
    net = make_net()
    state = torch.load(path, weights_only=True, map_location="cpu")
    net.load_state_dict(state, strict=True)
    return net.eval()
