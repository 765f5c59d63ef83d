# expect: failed keeps_global_top_k_across_parents, beam_holds_the_right_sequences_at_every_step
"""Ignores beam_size: always greedy."""


def beam_search(step_fn, bos, eos, beam_size, max_len, alpha=0.75):
    if beam_size < 1 or max_len < 1:
        raise ValueError("bad")
    seq, total, cands = [], 0.0, []
    for _ in range(max_len):
        row = step_fn([bos] + seq).double().tolist()
        tok = max(range(len(row)), key=lambda t: row[t])
        seq = seq + [tok]
        total += row[tok]
        cands.append((seq, total))
        if tok == eos:
            break
    return max(cands, key=lambda c: c[1] / len(c[0]) ** alpha)[0]
