"""Reference solution for exercises/seq2seq/beam_search.py."""

from typing import Callable

import torch


def beam_search(step_fn: Callable[[list[int]], torch.Tensor], bos: int, eos: int,
                beam_size: int, max_len: int, alpha: float = 0.75) -> list[int]:
    if beam_size < 1:
        raise ValueError(f"beam_size must be at least 1, got {beam_size}")
    if max_len < 1:
        raise ValueError(f"max_len must be at least 1, got {max_len}")

    # A hypothesis is (tokens without bos, total log-probability as a Python float). Python
    # floats are float64, so summing float32 log-probs loses nothing that matters.
    beam: list[tuple[list[int], float]] = [([], 0.0)]
    candidates: list[tuple[list[int], float]] = []
    for _ in range(max_len):
        live = [(seq, total) for seq, total in beam if not (seq and seq[-1] == eos)]
        if not live:
            break  # every sequence in the beam has finished: nothing left to extend
        extensions = []
        for seq, total in live:
            # A fresh list per call: step_fn may keep the prefix it was given.
            log_probs = step_fn([bos] + seq).detach().to("cpu", torch.float64).tolist()
            for token, log_p in enumerate(log_probs):
                extensions.append((seq + [token], total + log_p))
        # One global ranking over all parents, so a strong parent may keep several children.
        extensions.sort(key=lambda hyp: hyp[1], reverse=True)
        beam = extensions[:beam_size]
        # Finished sequences leave the beam after this step but stay candidates.
        candidates.extend(beam)

    def normalised(hyp: tuple[list[int], float]) -> float:
        seq, total = hyp
        # Every factor is a probability < 1, so the raw total always favours short
        # sequences; dividing by L**alpha (L counting eos) offsets that.
        return total / len(seq) ** alpha

    best_seq, _ = max(candidates, key=normalised)
    return best_seq
