# expect: passed
"""Correct, written differently: zip-built n-grams, a dict with manual decrements, log space."""
import math


def bleu(pred_seq, label_seq, k):
    if not k >= 1:
        raise ValueError("k must be >= 1")
    pred, label = pred_seq.split(), label_seq.split()
    if not pred:
        return 0.0
    log_score = min(0.0, 1 - len(label) / len(pred))
    for n in range(1, k + 1):
        pred_grams = list(zip(*[pred[i:] for i in range(n)]))
        if not pred_grams:
            return 0.0
        available = {}
        for gram in zip(*[label[i:] for i in range(n)]):
            available[gram] = available.get(gram, 0) + 1
        hits = 0
        for gram in pred_grams:
            if available.get(gram, 0) > 0:
                available[gram] -= 1
                hits += 1
        if hits == 0:
            return 0.0
        log_score += math.log(hits / len(pred_grams)) / 2 ** n
    return math.exp(log_score)
