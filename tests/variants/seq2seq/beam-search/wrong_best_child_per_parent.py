# expect: failed keeps_global_top_k_across_parents, beam_holds_the_right_sequences_at_every_step
"""After step 1 every hypothesis keeps only its own best child (k independent greedy paths)."""

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
        if len(live) == 1 and not live[0][0]:
            beam = ext[:beam_size]
        else:
            beam = []
            for s, _ in live:
                beam.append(max((h for h in ext if h[0][:-1] == s), key=lambda h: h[1]))
        candidates += beam
    best = max(candidates, key=lambda h: h[1] / len(h[0]) ** alpha)
    return best[0]
