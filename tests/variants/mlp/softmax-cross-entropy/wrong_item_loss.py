# expect: failed only cross_entropy_returns_a_0d_mean, cross_entropy_is_differentiable
"""torch.tensor(loss.item()): the right number, but float32 and cut off from autograd."""

import torch


def softmax(X: torch.Tensor, dim: int = -1) -> torch.Tensor:
    # Subtracting each slice's own maximum leaves softmax unchanged (the factor exp(-m)
    # cancels) and makes every exponent <= 0, so nothing overflows and the largest term is 1,
    # so the denominator is never 0. A global maximum would underflow slices far below it.
    shifted = X - X.max(dim=dim, keepdim=True).values
    e = torch.exp(shifted)
    return e / e.sum(dim=dim, keepdim=True)


def cross_entropy(y_hat, y):
    rows = torch.arange(y_hat.shape[0], device=y_hat.device)
    return torch.tensor(-torch.log(y_hat[rows, y]).mean().item())


def cross_entropy_from_logits(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    # log softmax(o)_y = o_y - logsumexp(o): never the log of a probability that rounded to 0.
    # torch.logsumexp subtracts the maximum itself, and its gradient is softmax(o).
    lse = torch.logsumexp(logits, dim=1)
    picked = logits.gather(1, y.unsqueeze(1)).squeeze(1)
    return (lse - picked).mean()
