# expect: passed
"""d2l's scratch softmax (exp, partition = sum with keepdim, divide) with the two departures
the stub states: the maximum is subtracted first ("Softmax Revisited") and dim is an argument.
cross_entropy is d2l-en's -log(y_hat[range(len(y_hat)), y]).mean(); the logits version is
the LogSumExp trick as the concise chapter writes it: o - max - log(sum(exp(o - max)))."""
import torch


def softmax(X, dim=-1):
    X = X - X.max(dim=dim, keepdim=True).values
    X_exp = torch.exp(X)
    partition = X_exp.sum(dim, keepdim=True)
    return X_exp / partition  # The broadcasting mechanism is applied here


def cross_entropy(y_hat, y):
    return -torch.log(y_hat[list(range(len(y_hat))), y]).mean()


def cross_entropy_from_logits(logits, y):
    m = logits.max(dim=1, keepdim=True).values
    log_probs = logits - m - torch.log(torch.exp(logits - m).sum(dim=1, keepdim=True))
    return -log_probs.gather(1, y.unsqueeze(1)).mean()
