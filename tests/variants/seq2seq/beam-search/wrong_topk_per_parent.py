# expect: failed keeps_global_top_k_across_parents, calls_step_fn_once_per_extended_sequence, beam_holds_the_right_sequences_at_every_step
"""Keeps the beam_size best children of every parent, with no global cut: the beam grows."""

def beam_search(step_fn, bos, eos, beam_size, max_len, alpha=0.75):
    if beam_size < 1 or max_len < 1:
        raise ValueError("beam_size and max_len must be >= 1")
    beam = [([], 0.0)]
    candidates = []
    for _ in range(max_len):
        live = [(s, v) for s, v in beam if not (s and s[-1] == eos)]
        if not live:
            break
        beam = []
        for s, v in live:
            row = step_fn([bos] + s).double().cpu().tolist()
            children = sorted(((s + [t], v + lp) for t, lp in enumerate(row)),
                              key=lambda h: h[1], reverse=True)
            beam += children[:beam_size]
        candidates += beam
    best = max(candidates, key=lambda h: h[1] / len(h[0]) ** alpha)
    return best[0]
