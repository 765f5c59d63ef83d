# expect: passed
"""Correct, written differently: a detached per-slice max via amax, labels picked with a
boolean one-hot mask instead of indexing, the loss from logits moved to (N, q) rows first."""
import torch


def softmax(X, dim=-1):
    m = torch.amax(X, dim=dim, keepdim=True).detach()
    e = (X - m).exp()
    total = torch.sum(e, dim=dim, keepdim=True)
    return e * (1.0 / total)


def cross_entropy(y_hat, y):
    hit = torch.arange(y_hat.shape[1], device=y.device).unsqueeze(0) == y.unsqueeze(1)
    picked = torch.where(hit, y_hat, torch.ones_like(y_hat))
    return -(picked.log().sum()) / y_hat.shape[0]


def cross_entropy_from_logits(logits, y):
    q = logits.shape[1]
    rows = logits.movedim(1, -1).reshape(-1, q)
    labels = y.reshape(-1)
    m = rows.amax(dim=1)
    lse = m + torch.log(torch.exp(rows - m[:, None]).sum(dim=1))
    picked = rows[torch.arange(rows.shape[0], device=rows.device), labels]
    return torch.mean(lse - picked)
