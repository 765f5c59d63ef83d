"""BLEU for one predicted sentence (d2l: Modern RNNs > Sequence-to-Sequence Learning > BLEU).

A machine-translation model outputs a sentence; BLEU says how close it is to the label
(the reference translation) by counting the n-grams they share. You will write d2l's
per-sentence version:

    score = exp(min(0, 1 - len_label / len_pred)) * p_1^(1/2) * p_2^(1/4) * ... * p_k^(1/2^k)

* Tokens are the whitespace-separated words of each string: use ``str.split()`` with no
  argument, so repeated spaces, tabs and newlines all separate words. Tokens are compared
  exactly ("The" and "the" differ).
* An n-gram is a run of n consecutive words, compared word by word (``("a", "bc")`` and
  ``("ab", "c")`` differ). ``p_n`` is the n-gram precision of the prediction: how many of its
  ``len_pred - n + 1`` n-grams also occur in the label, divided by ``len_pred - n + 1``.
  Matches are *clipped*: an n-gram that occurs c times in the label can be matched at most c
  times, so ``"the the the"`` does not get full precision against ``"the cat"``. A label
  with fewer than n words has no n-grams, so nothing matches and p_n = 0.
* The first factor is the brevity penalty. A short prediction has few n-grams and could
  reach a high precision cheaply, so it is multiplied by ``exp(1 - len_label / len_pred)``
  (< 1). A prediction as long as the label or longer gets the factor 1: no bonus.
* The exponent 1/2^n shrinks as n grows.

Example: label ``"A B C D E F"``, prediction ``"A B B C D"``: p_1 = 4/5, p_2 = 3/4,
p_3 = 1/3, p_4 = 0/2, and the brevity factor is exp(1 - 6/5).

Edge cases (this exercise's contract, stricter than d2l's code):

* If the prediction has fewer than n tokens it has no n-grams, and p_n = 0; so whenever
  ``len_pred < k`` the score is 0.0.
* An empty prediction scores 0.0, also when the label is empty. A non-empty prediction
  against an empty label scores 0.0 too (no n-gram can match).
* ``k < 1`` raises ``ValueError``, whatever the sentences (check it first).

Where this departs from d2l's code (``d2l.bleu``), and why:

* d2l splits on one space, ``split(' ')``: two spaces in a row, or a space at either end,
  make an empty "word", and the empty string becomes one empty word. Here ``str.split()``
  with no argument, so that the spacing of a sentence never changes its score.
* d2l-en multiplies p_n only for n up to ``min(k, len_pred)``, so a prediction shorter
  than k silently skips the n-grams it does not have (and d2l-zh, which goes up to k,
  divides by zero). Here those p_n are 0, as the formula says, and the score is 0.0.
* d2l needs no rule for an empty prediction (its split gives one empty word); with
  ``str.split()`` the brevity term would divide by zero, so an empty prediction scores 0.0.
* With ``k < 1`` d2l returns the brevity factor alone, which is no BLEU score at all; here
  it is an error.

Fill in the function below, then run::

    learn check seq2seq/bleu

Rules: write the counting yourself (``collections.Counter`` and ``math`` are fine). Do not
call a library's BLEU: ``nltk.translate.bleu_score``, ``sacrebleu``,
``torchtext.data.metrics.bleu_score``, ``torchmetrics``' BLEU or ``d2l.bleu`` are forbidden.
"""


def bleu(pred_seq: str, label_seq: str, k: int) -> float:
    """d2l's BLEU score of one predicted sentence against its label.

    Args:
        pred_seq: the predicted sentence, words separated by whitespace.
        label_seq: the label (reference) sentence, words separated by whitespace.
        k: the longest n-gram to use; p_1 ... p_k all enter the score.

    Returns:
        A Python float in [0, 1]: exp(min(0, 1 - len_label/len_pred)) times the product of
        p_n ** (1 / 2**n) for n = 1..k, with clipped n-gram matches. 1.0 when the two
        sentences are identical (and have at least k words); 0.0 when the prediction is
        empty or shorter than k words, or when some p_n is 0.

    Raises:
        ValueError: if k < 1.
    """
    raise NotImplementedError("implement bleu")
