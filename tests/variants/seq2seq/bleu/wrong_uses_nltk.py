# expect: failed identical_sentences_score_one, d2l_example
"""Reaches for nltk's BLEU when it is installed (forbidden), with its own code as a fallback."""
import math
from collections import Counter


def bleu(pred_seq, label_seq, k):
    if k < 1:
        raise ValueError(k)
    pred, label = pred_seq.split(), label_seq.split()
    if len(pred) < k:
        return 0.0
    try:
        from nltk.translate.bleu_score import sentence_bleu
        weights = [0.5 ** n for n in range(1, k + 1)]
        return float(sentence_bleu([label], pred, weights=weights))
    except ImportError:
        pass
    score = math.exp(min(0.0, 1 - len(label) / len(pred)))
    for n in range(1, k + 1):
        pc = Counter(tuple(pred[i:i + n]) for i in range(len(pred) - n + 1))
        lc = Counter(tuple(label[i:i + n]) for i in range(len(label) - n + 1))
        score *= (sum((pc & lc).values()) / (len(pred) - n + 1)) ** (0.5 ** n)
    return float(score)
