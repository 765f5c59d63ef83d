# expect: passed
"""Correct, written differently: a float64 vector_norm per parameter, one vector_norm of the
stacked norms (a 0-d tensor, compared and returned with .item()), and an in-place copy_ of
the scaled gradient under no_grad."""
import torch
def clip_grad_norm_(params, theta):
    grads = []
    for p in params:
        if p.requires_grad and p.grad is not None:
            grads.append(p.grad)
    if len(grads) == 0:
        return 0.0
    norms = [torch.linalg.vector_norm(g.detach().to(torch.float64)) for g in grads]
    total = torch.linalg.vector_norm(torch.stack(norms))
    if bool(total > theta):
        with torch.no_grad():
            for g in grads:
                g.copy_(g * (theta / total))
    return total.item()
