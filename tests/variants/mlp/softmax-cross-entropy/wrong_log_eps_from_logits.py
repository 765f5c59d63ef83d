# expect: failed only from_logits_large_logits
"""-log(softmax + 1e-12): finite, but capped at 27.6 where the true loss is 2000."""

import torch


def softmax(X: torch.Tensor, dim: int = -1) -> torch.Tensor:
    # Subtracting each slice's own maximum leaves softmax unchanged (the factor exp(-m)
    # cancels) and makes every exponent <= 0, so nothing overflows and the largest term is 1,
    # so the denominator is never 0. A global maximum would underflow slices far below it.
    shifted = X - X.max(dim=dim, keepdim=True).values
    e = torch.exp(shifted)
    return e / e.sum(dim=dim, keepdim=True)


def cross_entropy(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    # Pick each row's probability at its label; no clipping, so a 0 gives +inf.
    rows = torch.arange(y_hat.shape[0], device=y_hat.device)
    return -torch.log(y_hat[rows, y]).mean()


def cross_entropy_from_logits(logits, y):
    p = softmax(logits, 1)
    picked = p.gather(1, y.unsqueeze(1)).squeeze(1)
    return -torch.log(picked + 1e-12).mean()

