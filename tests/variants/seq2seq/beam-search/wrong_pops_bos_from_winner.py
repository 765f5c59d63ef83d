# expect: failed does_not_mutate_prefixes_given_to_step_fn
"""Keeps bos inside each hypothesis list, hands that same list to step_fn, and pops bos off the winner at the end."""

def beam_search(step_fn, bos, eos, beam_size, max_len, alpha=0.75):
    if beam_size < 1 or max_len < 1:
        raise ValueError("beam_size and max_len must be >= 1")
    beam = [([bos], 0.0)]
    candidates = []
    for _ in range(max_len):
        live = [(s, v) for s, v in beam if not (len(s) > 1 and s[-1] == eos)]
        if not live:
            break
        ext = []
        for s, v in live:
            row = step_fn(s).double().cpu().tolist()
            for t, lp in enumerate(row):
                ext.append((s + [t], v + lp))
        ext.sort(key=lambda h: h[1], reverse=True)
        beam = ext[:beam_size]
        candidates += beam
    best = max(candidates, key=lambda h: h[1] / (len(h[0]) - 1) ** alpha)
    best[0].pop(0)
    return best[0]
