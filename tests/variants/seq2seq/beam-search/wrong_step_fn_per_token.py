# expect: failed calls_step_fn_once_per_extended_sequence
"""Calls step_fn once per token instead of once per extended sequence."""

def beam_search(step_fn, bos, eos, beam_size, max_len, alpha=0.75):
    if beam_size < 1 or max_len < 1:
        raise ValueError("beam_size and max_len must be >= 1")
    beam = [([], 0.0)]
    candidates = []
    for _ in range(max_len):
        live = [(s, v) for s, v in beam if not (s and s[-1] == eos)]
        if not live:
            break
        ext = []
        for s, v in live:
            V = step_fn([bos] + s).shape[0]
            for t in range(V):
                ext.append((s + [t], v + float(step_fn([bos] + s)[t])))
        ext.sort(key=lambda h: h[1], reverse=True)
        beam = ext[:beam_size]
        candidates += beam
    best = max(candidates, key=lambda h: h[1] / len(h[0]) ** alpha)
    return best[0]
