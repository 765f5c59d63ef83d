# expect: failed only k_below_one_raises_value_error
import math
from collections import Counter


def _grams(tokens, n):
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def bleu(pred_seq, label_seq, k):
    pred, label = pred_seq.split(), label_seq.split()
    if len(pred) < k:
        return 0.0
    score = math.exp(min(0.0, 1 - len(label) / len(pred)))
    for n in range(1, k + 1):
        pc, lc = _grams(pred, n), _grams(label, n)
        matches = sum(min(c, lc[g]) for g, c in pc.items())
        score *= (matches / (len(pred) - n + 1)) ** (0.5 ** n)
    return float(score)
