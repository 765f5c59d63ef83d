# expect: passed
"""Correct, with an extra parameter that has a default (the checks never pass it)."""


def beam_search(step_fn, bos, eos, beam_size, max_len, alpha=0.75, return_score=False):
    if beam_size < 1 or max_len < 1:
        raise ValueError("beam_size and max_len must be at least 1")
    beam, candidates = [([], 0.0)], []
    for _ in range(max_len):
        live = [(seq, total) for seq, total in beam if not seq or seq[-1] != eos]
        if not live:
            break
        extensions = []
        for seq, total in live:
            for token, log_p in enumerate(step_fn([bos] + seq).double().cpu().tolist()):
                extensions.append((seq + [token], total + log_p))
        extensions.sort(key=lambda hyp: hyp[1], reverse=True)
        beam = extensions[:beam_size]
        candidates += beam
    scored = [(total / len(seq) ** alpha, seq) for seq, total in candidates]
    best_score, best = max(scored, key=lambda pair: pair[0])
    return (best, best_score) if return_score else best
