# expect: failed finished_sequences_leave_the_beam, beam_holds_the_right_sequences_at_every_step
"""Finished sequences keep competing for places in the beam (they are not extended)."""

def beam_search(step_fn, bos, eos, beam_size, max_len, alpha=0.75):
    if beam_size < 1 or max_len < 1:
        raise ValueError("beam_size and max_len must be >= 1")
    beam = [([], 0.0)]
    candidates = []
    for _ in range(max_len):
        live = [(s, v) for s, v in beam if not (s and s[-1] == eos)]
        if not live:
            break
        ext = [(s, v) for s, v in beam if s and s[-1] == eos]
        for s, v in live:
            row = step_fn([bos] + s).double().cpu().tolist()
            for t, lp in enumerate(row):
                ext.append((s + [t], v + lp))
        ext.sort(key=lambda h: h[1], reverse=True)
        beam = ext[:beam_size]
        candidates += [h for h in beam if h not in candidates]
    best = max(candidates, key=lambda h: h[1] / len(h[0]) ** alpha)
    return best[0]
