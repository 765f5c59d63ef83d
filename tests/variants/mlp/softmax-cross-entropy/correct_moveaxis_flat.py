# expect: passed
"""moves dim to the end (softmax) and flattens every position to rows (loss from logits); a hand-written LogSumExp with a detached maximum."""

import torch


def softmax(X, dim=-1):
    Xt = X.movedim(dim, -1)
    m, _ = torch.max(Xt, dim=-1, keepdim=True)
    e = (Xt - m.detach()).exp()
    return (e / e.sum(-1, keepdim=True)).movedim(-1, dim)


def cross_entropy(y_hat, y):
    return -y_hat.gather(1, y.view(-1, 1)).log().sum() / y.shape[0]


def cross_entropy_from_logits(logits, y):
    q = logits.shape[1]
    flat = logits.movedim(1, -1).reshape(-1, q)
    labels = y.reshape(-1)
    m = flat.max(1, keepdim=True).values.detach()
    lse = m.squeeze(1) + (flat - m).exp().sum(1).log()
    picked = flat[torch.arange(flat.shape[0], device=flat.device), labels]
    return (lse - picked).sum() / labels.numel()
