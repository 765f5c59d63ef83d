# expect: passed
"""Correct, with an extra parameter that has a default (the checks never pass it)."""
import math
from collections import Counter


def _grams(words, n):
    return Counter(tuple(words[i:i + n]) for i in range(len(words) - n + 1))


def bleu(pred_seq, label_seq, k, exponent_base=0.5):
    if k < 1:
        raise ValueError("k must be at least 1")
    pred, label = pred_seq.split(), label_seq.split()
    if len(pred) < k:
        return 0.0
    score = math.exp(min(0.0, 1.0 - len(label) / len(pred)))
    for n in range(1, k + 1):
        pred_grams, label_grams = _grams(pred, n), _grams(label, n)
        matched = sum(min(c, label_grams[g]) for g, c in pred_grams.items())
        if matched == 0:
            return 0.0
        score *= (matched / (len(pred) - n + 1)) ** (exponent_base ** n)
    return score
