# expect: passed
"""Correct, with every parameter (all passed by position) renamed."""
from collections import Counter
from math import exp


def bleu(prediction, reference, max_n):
    if max_n < 1:
        raise ValueError("max_n must be positive")
    hyp, ref = prediction.split(), reference.split()
    if len(hyp) < max_n:
        return 0.0
    result = exp(min(0.0, 1.0 - len(ref) / len(hyp)))
    for n in range(1, max_n + 1):
        hyp_grams = Counter(zip(*(hyp[i:] for i in range(n))))
        ref_grams = Counter(zip(*(ref[i:] for i in range(n))))
        clipped = sum((hyp_grams & ref_grams).values())
        result *= (clipped / (len(hyp) - n + 1)) ** (1 / 2 ** n)
    return float(result)
