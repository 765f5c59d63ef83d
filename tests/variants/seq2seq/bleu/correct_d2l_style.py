# expect: passed
"""d2l's bleu (d2l.torch.bleu: a defaultdict of the label's n-grams keyed by the words joined
with spaces, each match using one up; the product of p_n ** 0.5 ** n times the brevity term),
adapted only where the stub states a departure: str.split() instead of split(' '), k < 1 raises
ValueError, and a prediction shorter than k words (the empty one included) scores 0.0 instead
of skipping the n it has no n-grams for."""
import collections
import math


def bleu(pred_seq, label_seq, k):
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    pred_tokens, label_tokens = pred_seq.split(), label_seq.split()
    len_pred, len_label = len(pred_tokens), len(label_tokens)
    if len_pred < k:  # no k-grams at all: p_k = 0
        return 0.0
    score = math.exp(min(0, 1 - len_label / len_pred))
    for n in range(1, k + 1):
        unused = collections.defaultdict(int)  # label n-grams not matched yet
        for start in range(len_label - n + 1):
            unused[' '.join(label_tokens[start:start + n])] += 1
        num_matches = 0
        for start in range(len_pred - n + 1):
            gram = ' '.join(pred_tokens[start:start + n])
            if unused[gram] > 0:
                unused[gram] -= 1
                num_matches += 1
        score *= math.pow(num_matches / (len_pred - n + 1), math.pow(0.5, n))
    return score
