# expect: failed only accepts_step_fn_output_dtype_and_device[bfloat16]
"""Reads step_fn's output with .numpy(), which has no bfloat16: a half-precision decoder
crashes the search (float16 and float32 work)."""


def beam_search(step_fn, bos, eos, beam_size, max_len, alpha=0.75):
    if beam_size < 1 or max_len < 1:
        raise ValueError("beam_size and max_len must be at least 1")
    beam, candidates = [([], 0.0)], []
    for _ in range(max_len):
        live = [(seq, total) for seq, total in beam if not seq or seq[-1] != eos]
        if not live:
            break
        extensions = []
        for seq, total in live:
            row = step_fn([bos] + seq).detach().cpu().numpy()
            extensions += [(seq + [t], total + float(lp)) for t, lp in enumerate(row)]
        extensions.sort(key=lambda hyp: hyp[1], reverse=True)
        beam = extensions[:beam_size]
        candidates += beam
    return max(candidates, key=lambda hyp: hyp[1] / len(hyp[0]) ** alpha)[0]
