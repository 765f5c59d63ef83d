# expect: passed
"""The book's beam search (Modern RNNs > Beam Search; it gives prose and a figure, no code),
with the departures the stub states: a sequence ending in eos leaves the beam (it is not
extended and takes no place), and eos stays in the result, its log-probability in log P and
its position in L. Step 1 keeps the k most likely first tokens; every later step picks the k
best of the k|Y| joint log-probabilities log P(y_1..y_{t-1}) + log P(y_t | y_1..y_{t-1});
every sequence kept at any step is a final candidate, scored (1/L**alpha) * log P."""
import torch


def _next_log_probs(step_fn, bos, seq):
    return step_fn([bos] + seq).detach().to("cpu", torch.float64)


def beam_search(step_fn, bos, eos, beam_size, max_len, alpha=0.75):
    if beam_size < 1 or max_len < 1:
        raise ValueError("beam_size and max_len must be at least 1")
    # Time step 1: the k tokens with the highest P(y_1 | c).
    first = _next_log_probs(step_fn, bos, [])
    values, indices = torch.topk(first, min(beam_size, first.numel()))
    beam = [([i], v) for i, v in zip(indices.tolist(), values.tolist())]
    candidates = list(beam)
    for _ in range(2, max_len + 1):
        parents = [(seq, log_p) for seq, log_p in beam if seq[-1] != eos]
        if not parents:
            break
        # k x |Y| choices: log P(parent) + log P(y_t | parent)
        joint = torch.stack([log_p + _next_log_probs(step_fn, bos, seq)
                             for seq, log_p in parents])
        vocab_size = joint.shape[1]
        values, indices = torch.topk(joint.reshape(-1), min(beam_size, joint.numel()))
        beam = [(parents[i // vocab_size][0] + [i % vocab_size], v)
                for i, v in zip(indices.tolist(), values.tolist())]
        candidates.extend(beam)

    def score(candidate):
        seq, log_p = candidate
        L = len(seq)
        return log_p / L ** alpha

    return max(candidates, key=score)[0]
