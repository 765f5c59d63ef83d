# expect: failed candidates_include_every_step, alpha_zero_returns_the_best_first_token
"""Only the last beam is scored."""

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
            row = step_fn([bos] + s).double().cpu().tolist()
            for t, lp in enumerate(row):
                ext.append((s + [t], v + lp))
        ext.sort(key=lambda h: h[1], reverse=True)
        beam = ext[:beam_size]
    best = max(beam, key=lambda h: h[1] / len(h[0]) ** alpha)
    return best[0]
