# expect: failed ngrams_compare_whole_words
"""Looks n-grams up in the label *string*: 'a' is found inside 'cat'."""
import math


def bleu(pred_seq, label_seq, k):
    if k < 1:
        raise ValueError(k)
    pred, label = pred_seq.split(), label_seq.split()
    if len(pred) < k:
        return 0.0
    label_text = " ".join(label)
    score = math.exp(min(0.0, 1 - len(label) / len(pred)))
    for n in range(1, k + 1):
        remaining = label_text
        matches = 0
        for i in range(len(pred) - n + 1):
            gram = " ".join(pred[i:i + n])
            if gram in remaining:
                matches += 1
                remaining = remaining.replace(gram, "\0", 1)
        score *= (matches / (len(pred) - n + 1)) ** (0.5 ** n)
    return float(score)
