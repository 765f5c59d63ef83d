"""Reference solution for exercises/seq2seq/bleu.py (d2l's per-sentence BLEU)."""

import math
from collections import Counter


def _ngram_counts(tokens: list, n: int) -> Counter:
    # Tuples, not joined strings: "a bc" and "ab c" must stay different bigrams.
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def bleu(pred_seq: str, label_seq: str, k: int) -> float:
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    pred_tokens, label_tokens = pred_seq.split(), label_seq.split()
    len_pred, len_label = len(pred_tokens), len(label_tokens)
    # Also covers n > len_pred below: a prediction too short for k-grams has p_k = 0.
    if len_pred < k:
        return 0.0
    score = math.exp(min(0.0, 1.0 - len_label / len_pred))
    for n in range(1, k + 1):
        pred_counts = _ngram_counts(pred_tokens, n)
        label_counts = _ngram_counts(label_tokens, n)
        # Clipping: an n-gram earns at most as many matches as the label contains it.
        matches = sum(min(count, label_counts[gram]) for gram, count in pred_counts.items())
        p_n = matches / (len_pred - n + 1)
        if p_n == 0.0:
            return 0.0
        score *= p_n ** (0.5 ** n)
    return float(score)
