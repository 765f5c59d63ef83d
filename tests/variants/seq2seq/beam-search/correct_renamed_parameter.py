# expect: passed
"""Correct, with every parameter (all passed by position) renamed."""


def beam_search(decoder_step, start_id, end_id, k, max_steps, length_alpha=0.75):
    if k < 1 or max_steps < 1:
        raise ValueError("k and max_steps must be positive")
    beam = [((), 0.0)]
    pool = []
    for _ in range(max_steps):
        growing = [(s, lp) for s, lp in beam if not s or s[-1] != end_id]
        if not growing:
            break
        children = []
        for s, lp in growing:
            row = decoder_step([start_id, *s]).tolist()
            children += [(s + (tok,), lp + float(x)) for tok, x in enumerate(row)]
        children.sort(key=lambda c: -c[1])
        beam = children[:k]
        pool += beam
    best = max(pool, key=lambda c: c[1] / len(c[0]) ** length_alpha)
    return list(best[0])
