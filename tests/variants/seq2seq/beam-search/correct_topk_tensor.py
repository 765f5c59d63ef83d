# expect: passed
"""Correct, written differently: float64 score tensors, one torch.topk over all extensions."""
import torch


def beam_search(step_fn, bos, eos, beam_size, max_len, alpha=0.75):
    if beam_size < 1 or max_len < 1:
        raise ValueError("beam_size and max_len must be >= 1")
    seqs, scores = [[]], torch.zeros(1, dtype=torch.float64)
    pool_seqs, pool_scores = [], []
    for step in range(max_len):
        alive = [i for i, s in enumerate(seqs) if step == 0 or s[-1] != eos]
        if not alive:
            break
        rows = torch.stack([step_fn([bos, *seqs[i]]).detach().cpu().double() for i in alive])
        total = scores[alive].unsqueeze(1) + rows
        V = total.shape[1]
        k = min(beam_size, total.numel())
        vals, idx = torch.topk(total.flatten(), k)
        seqs = [seqs[alive[j // V]] + [j % V] for j in idx.tolist()]
        scores = vals
        pool_seqs += seqs
        pool_scores += vals.tolist()
    lengths = torch.tensor([len(s) for s in pool_seqs], dtype=torch.float64)
    normed = torch.tensor(pool_scores, dtype=torch.float64) / lengths ** alpha
    return list(pool_seqs[int(normed.argmax())])
