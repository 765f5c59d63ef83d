# expect: passed
"""Correct, written differently: heapq.nlargest over tuples, sums kept as float32 tensors."""
import heapq

import torch


def beam_search(step_fn, bos, eos, beam_size, max_len, alpha=0.75):
    if not (beam_size >= 1 and max_len >= 1):
        raise ValueError("bad arguments")
    beam = [((), torch.tensor(0.0))]
    finished = []
    history = []
    t = 0
    while t < max_len and beam:
        t += 1
        children = []
        for tokens, logp in beam:
            out = step_fn(list((bos,) + tokens)).float().cpu()
            for tok in range(out.shape[0]):
                children.append((tokens + (tok,), logp + out[tok]))
        best = heapq.nlargest(beam_size, children, key=lambda c: float(c[1]))
        history.extend(best)
        beam = [c for c in best if c[0][-1] != eos]
        finished.extend(c for c in best if c[0][-1] == eos)
    winner = max(history, key=lambda c: float(c[1]) / (len(c[0]) ** alpha))
    return [int(x) for x in winner[0]]
