# expect: failed empty_sentences
"""Guards len_pred < n inside the loop, but computes the brevity term first: 0-length crash."""
import math
from collections import Counter


def bleu(pred_seq, label_seq, k):
    if k < 1:
        raise ValueError(k)
    pred, label = pred_seq.split(), label_seq.split()
    score = math.exp(min(0.0, 1 - len(label) / len(pred)))
    for n in range(1, k + 1):
        if len(pred) < n:
            return 0.0
        pc = Counter(tuple(pred[i:i + n]) for i in range(len(pred) - n + 1))
        lc = Counter(tuple(label[i:i + n]) for i in range(len(label) - n + 1))
        score *= (sum((pc & lc).values()) / (len(pred) - n + 1)) ** (0.5 ** n)
    return score
