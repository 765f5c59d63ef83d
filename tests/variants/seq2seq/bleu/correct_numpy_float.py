# expect: passed
"""Correct: d2l-style loop with a guard, returning numpy.float64 (a float subclass)."""
import collections
import math

import numpy as np


def bleu(pred_seq, label_seq, k):
    if k < 1:
        raise ValueError(k)
    pred_tokens, label_tokens = pred_seq.split(), label_seq.split()
    len_pred, len_label = len(pred_tokens), len(label_tokens)
    if len_pred < k:
        return np.float64(0.0)
    score = np.float64(math.exp(min(0, 1 - len_label / len_pred)))
    for n in range(1, k + 1):
        num_matches, label_subs = 0, collections.defaultdict(int)
        for i in range(len_label - n + 1):
            label_subs[tuple(label_tokens[i:i + n])] += 1
        for i in range(len_pred - n + 1):
            gram = tuple(pred_tokens[i:i + n])
            if label_subs[gram] > 0:
                num_matches += 1
                label_subs[gram] -= 1
        score *= np.power(num_matches / (len_pred - n + 1), 0.5 ** n)
    return score
