# expect: failed cross_entropy_values
"""picks the label probability with y_hat * F.one_hot(y): without num_classes one_hot has y.max() + 1 columns, which broadcasts wrongly or fails when the last classes do not occur among the labels."""

import torch


def softmax(X: torch.Tensor, dim: int = -1) -> torch.Tensor:
    # Subtracting each slice's own maximum leaves softmax unchanged (the factor exp(-m)
    # cancels) and makes every exponent <= 0, so nothing overflows and the largest term is 1,
    # so the denominator is never 0. A global maximum would underflow slices far below it.
    shifted = X - X.max(dim=dim, keepdim=True).values
    e = torch.exp(shifted)
    return e / e.sum(dim=dim, keepdim=True)


def cross_entropy(y_hat, y):
    import torch.nn.functional as F
    picked = (y_hat * F.one_hot(y)).sum(1)
    return -torch.log(picked).mean()


def cross_entropy_from_logits(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    # log softmax(o)_y = o_y - logsumexp(o): never the log of a probability that rounded to 0.
    # torch.logsumexp subtracts the maximum itself, and its gradient is softmax(o).
    lse = torch.logsumexp(logits, dim=1)
    picked = logits.gather(1, y.unsqueeze(1)).squeeze(1)
    return (lse - picked).mean()
