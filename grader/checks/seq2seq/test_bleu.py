"""Hidden checks for exercises/seq2seq/bleu.py (d2l's per-sentence BLEU).

Hand-made cases compare with values computed here from the formula (so each term of the
score is pinned on its own); random cases compare with the reference.
"""

import math
import random

import pytest
import torch

from grader.asserts import expect_raises, fail, is_tensor
from grader.sandbox.host import call_each

REL = 1e-9
ABS = 1e-12
D2L_LABEL = "A B C D E F"
D2L_PRED = "A B B C D"

# Words for random sentences: short and long, upper and lower case, and pieces that glue
# into each other ("a" + "bc" == "ab" + "c"), so wrong n-gram keys show up.
WORDS = ["the", "The", "cat", "sat", "on", "mat", "a", "A", "b", "ab", "bc", "c", "aa",
         ".", ",", "!", "le", "chat", "est", "x1", "I", "go", "va", "<unk>"]


def _number(value, what):
    if is_tensor(value):
        fail(f"{what} returned a torch.Tensor; BLEU is a plain number, return a Python float.")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        fail(f"{what} returned {type(value).__name__ if value is not None else 'None'}, "
             "expected a Python float.")
    # float.__float__ reads the stored value even from a float subclass that overrides it.
    number = float.__float__(value) if isinstance(value, float) else float(int.__index__(value))
    if math.isnan(number):
        fail(f"{what} returned NaN; a score of 0 must come out as 0.0 (check the cases where a "
             "precision is 0 or a sentence is empty).")
    return number


def _score(sub, pred, label, k):
    what = f"bleu({pred!r}, {label!r}, {k})"
    return what, _number(sub.bleu(pred, label, k), what)


def _expect(sub, pred, label, k, expected, why):
    what, got = _score(sub, pred, label, k)
    if not math.isclose(got, expected, rel_tol=REL, abs_tol=ABS):
        fail(f"{what} is off by {abs(got - expected):.3g}. {why}")


def _formula(len_pred, len_label, precisions):
    """exp(min(0, 1 - len_label/len_pred)) * prod p_n^(1/2^n), n = 1..len(precisions)."""
    score = math.exp(min(0.0, 1.0 - len_label / len_pred))
    for n, p in enumerate(precisions, start=1):
        score *= p ** (0.5 ** n)
    return score


def _py_rng(rng):
    return random.Random(int(torch.randint(0, 2**62, (1,), generator=rng)))


def _random_case(r, regime):
    vocab = r.sample(WORDS, r.choice([2, 3, 4, 6, 10, len(WORDS)]))
    len_label = r.randint(2, 12)
    label = [r.choice(vocab) for _ in range(len_label)]
    if regime == "prediction_shorter":
        m = r.randint(1, len_label - 1)
        start = r.randint(0, len_label - m)
        pred = label[start:start + m]
    elif regime == "prediction_longer":
        pred = list(label)
        for _ in range(r.randint(1, 6)):
            if r.random() < 0.5:
                pred.insert(r.randint(0, len(pred)), r.choice(vocab))
            else:  # repeat a chunk of the label: repeated n-grams exercise the clipping
                i = r.randint(0, len_label - 1)
                j = r.randint(i + 1, min(len_label, i + 3))
                at = r.randint(0, len(pred))
                pred[at:at] = label[i:j]
    else:  # same length
        if r.random() < 0.2:
            pred = [r.choice(vocab) for _ in range(len_label)]
        else:
            pred = list(label)
            for _ in range(r.randint(0, 3)):
                if r.random() < 0.5:
                    pred[r.randrange(len(pred))] = r.choice(vocab)
                else:
                    i = r.randrange(len(pred) - 1)
                    pred[i], pred[i + 1] = pred[i + 1], pred[i]
    if regime != "prediction_shorter" and r.random() < 0.3:
        pred = [w if r.random() > 0.2 else r.choice(vocab) for w in pred]
    # k <= len_pred: a prediction shorter than k is test_prediction_shorter_than_n_scores_zero's
    # idea alone (d2l-en's loop to min(k, len_pred) should cost that check, not these too).
    k = r.randint(1, min(6, len(pred)))
    return " ".join(pred), " ".join(label), k


def _scores(sub, cases):
    """(what, score) of each case, in order; many calls share one round trip."""
    outcomes = call_each(sub.bleu, [((pred, label, k), {}) for pred, label, k in cases])
    for (pred, label, k), outcome in zip(cases, outcomes):
        what = f"bleu({pred!r}, {label!r}, {k})"
        yield what, _number(outcome.get(), what)


def _compare_random(sub, ref, cases, why):
    wrong = []
    for (pred, label, k), (what, got) in zip(cases, _scores(sub, cases)):
        expected = float(ref.bleu(pred, label, k))
        if not math.isclose(got, expected, rel_tol=REL, abs_tol=ABS):
            wrong.append((what, abs(got - expected)))
    if wrong:
        what, err = wrong[0]
        fail(f"{len(wrong)} of {len(cases)} random sentence pairs get a wrong score; the first is "
             f"{what}, off by {err:.3g}. {why}")


@pytest.mark.points(1)
def test_identical_sentences_score_one(sub, rng):
    r = _py_rng(rng)
    cases = [(D2L_LABEL, 4), ("the cat sat on the mat", 6), ("the the the the", 3),
             ("I go .", 1), ("x1", 1)]
    for _ in range(5):
        words = [r.choice(WORDS[:6]) for _ in range(r.randint(6, 10))]
        cases.append((" ".join(words), r.randint(1, 6)))
    for sentence, k in cases:
        _expect(sub, sentence, sentence, k, 1.0,
                "A prediction identical to its label (with at least k words) has every p_n = 1 "
                "and no brevity penalty, so BLEU is exactly 1.")


@pytest.mark.points(2)
def test_d2l_example(sub):
    precisions = [4 / 5, 3 / 4, 1 / 3]
    for k in (1, 2, 3):
        _expect(sub, D2L_PRED, D2L_LABEL, k, _formula(5, 6, precisions[:k]),
                "Here p_1 = 4/5 (the second B is unmatched), p_2 = 3/4, p_3 = 1/3, and the "
                "5-word prediction is shorter than the 6-word label, so the brevity factor is "
                "exp(1 - 6/5).")
    for k in (4, 5):
        _expect(sub, D2L_PRED, D2L_LABEL, k, 0.0,
                "No 4-gram of the prediction occurs in the label, so p_4 = 0 and the whole "
                "product is 0.")


@pytest.mark.points(2)
@pytest.mark.parametrize("regime", ["prediction_shorter", "prediction_longer", "same_length"])
def test_matches_reference_on_random_sentences(sub, ref, rng, regime):
    r = _py_rng(rng)
    cases = [_random_case(r, regime) for _ in range(250)]
    _compare_random(sub, ref, cases,
                    "Check the clipped n-gram counts, the denominators len_pred - n + 1, the "
                    "exponents 1/2^n and the brevity factor exp(min(0, 1 - len_label/len_pred)).")


@pytest.mark.points(2)
def test_clipping_limits_repeated_ngrams(sub):
    why = ("An n-gram that occurs c times in the label can be matched at most c times (and "
           "every occurrence up to c counts); repeating a word must not earn precision.")
    _expect(sub, "the the the", "the cat", 1, math.sqrt(1 / 3), why)
    _expect(sub, "the the the the", "the the cat", 1, math.sqrt(2 / 4), why)
    _expect(sub, "a b a b a b", "a b c a b", 2, _formula(6, 5, [4 / 6, 2 / 5]), why)
    _expect(sub, "a b a b a b", "a b c a b", 1, _formula(6, 5, [4 / 6]), why)
    _expect(sub, "cat cat sat sat sat", "sat cat sat cat", 1, _formula(5, 4, [4 / 5]), why)
    _expect(sub, "x y x y x y x", "x y x y", 3, _formula(7, 4, [4 / 7, 3 / 6, 2 / 5]), why)


@pytest.mark.points(2)
def test_brevity_penalty_for_short_predictions(sub):
    label = "a b c d e f g h"
    why = ("Every n-gram of this prediction is in the label, so all p_n = 1; the score is the "
           "brevity factor exp(1 - len_label/len_pred), which punishes predictions shorter "
           "than the label.")
    for pred, k in (("a b c d", 2), ("a b c d", 4), ("c d e", 3), ("a b c d e f g", 1),
                    ("h", 1), ("b c d e f g", 5)):
        _expect(sub, pred, label, k, math.exp(1 - 8 / len(pred.split())), why)


@pytest.mark.points(2)
def test_no_bonus_for_long_predictions(sub):
    why = ("The prediction is at least as long as the label, so the brevity factor "
           "exp(min(0, 1 - len_label/len_pred)) is exactly 1: no penalty and no bonus.")
    _expect(sub, "a b c d e f g h", "a b c d", 1, _formula(8, 4, [4 / 8]), why)
    _expect(sub, "a b c d e f g h", "a b c d", 2, _formula(8, 4, [4 / 8, 3 / 7]), why)
    _expect(sub, "x a b c", "a b c", 3, _formula(4, 3, [3 / 4, 2 / 3, 1 / 2]), why)
    _expect(sub, "a b x c d", "a b y c d", 2, _formula(5, 5, [4 / 5, 2 / 4]), why)
    _expect(sub, "the cat sat on the mat .", "the cat", 1, _formula(7, 2, [2 / 7]), why)


@pytest.mark.points(2)
def test_weights_are_one_over_two_to_the_n(sub):
    why = ("p_n enters the product as p_n ** (1 / 2**n): 1/2 for unigrams, 1/4 for bigrams, "
           "1/8 for trigrams ... (not 1/n, not 1/k for all, not reversed).")
    label = "a b c d e f g h"
    pred = "a b c d x f g h"
    precisions = [7 / 8, 5 / 7, 3 / 6, 1 / 5]
    for k in (1, 2, 3, 4):
        _expect(sub, pred, label, k, _formula(8, 8, precisions[:k]), why)
    _expect(sub, "a b d c", "a b c d", 2, _formula(4, 4, [1.0, 1 / 3]), why)
    _expect(sub, "a b c d e x", "a b c d e f", 5,
            _formula(6, 6, [5 / 6, 4 / 5, 3 / 4, 2 / 3, 1 / 2]), why)
    _expect(sub, "x b c d e f", "a b c d e f", 3, _formula(6, 6, [5 / 6, 4 / 5, 3 / 4]), why)


@pytest.mark.points(2)
def test_prediction_shorter_than_n_scores_zero(sub):
    why = ("A prediction with fewer than n words has no n-grams, so p_n = 0 and the score is "
           "0.0 (do not skip those n, and do not divide by len_pred - n + 1 <= 0).")
    for pred, label, k in (("a", "a b c", 4), ("A B", D2L_LABEL, 3), ("a b c", "a b c d", 4),
                           ("a b", "a b", 3), ("a b", "a b c d e f g", 6), ("x", "x", 2),
                           ("a b c d e", "a b c d e f g h", 6)):
        _expect(sub, pred, label, k, 0.0, why)


@pytest.mark.points(1)
def test_k_larger_than_label_length(sub):
    why = ("When the label has fewer than n words it has no n-grams, so nothing can match: "
           "p_n = 0 (the denominator is still the prediction's len_pred - n + 1).")
    _expect(sub, "a b c", "a b", 3, 0.0, why)
    _expect(sub, "a a", "a", 2, 0.0, why)
    _expect(sub, "a b c d", "a b", 2, _formula(4, 2, [2 / 4, 1 / 3]), why)
    _expect(sub, "a b c d", "a b c", 3, _formula(4, 3, [3 / 4, 2 / 3, 1 / 2]), why)


@pytest.mark.points(1)
def test_empty_sentences(sub):
    why = ("An empty prediction scores 0.0 (also against an empty label), and a non-empty "
           "prediction cannot match anything in an empty label.")
    for pred, label, k in (("", "a b", 1), ("", "a b", 3), ("", "", 1), ("", "", 2),
                           ("   ", "a", 1), ("\t\n ", "  ", 1), ("a b", "", 1),
                           ("a b c", "  ", 2)):
        _expect(sub, pred, label, k, 0.0, why)


@pytest.mark.points(1)
def test_any_whitespace_separates_words(sub, ref, rng):
    why = ("Tokens are the words of str.split() with no argument: runs of spaces, tabs and "
           "newlines separate words, and leading or trailing whitespace adds no token.")
    _expect(sub, "A  B\tB\nC D ", "  A B C D E F\n", 3, _formula(5, 6, [4 / 5, 3 / 4, 1 / 3]), why)
    _expect(sub, "the\t\tcat", "the cat\n", 2, 1.0, why)
    _expect(sub, " a  b c ", "a b   c d", 1, _formula(3, 4, [1.0]), why)
    r = _py_rng(rng)
    gaps = [" ", "  ", "\t", "\n", " \t ", "\r\n"]
    cases, spaced = [], []
    for _ in range(60):
        pred, label, k = _random_case(r, r.choice(["prediction_shorter", "prediction_longer",
                                                   "same_length"]))
        cases.append((pred, label, k))

        def respace(text):
            head = r.choice(["", " ", "\n"])
            tail = r.choice(["", " ", "\t"])
            return head + "".join(w + r.choice(gaps) for w in text.split())[:-1] + tail

        spaced.append((respace(pred), respace(label), k))
    wrong = []
    for (pred, label, k), (what, got) in zip(cases, _scores(sub, spaced)):
        if not math.isclose(got, float(ref.bleu(pred, label, k)), rel_tol=REL, abs_tol=ABS):
            wrong.append(what)
    if wrong:
        fail(f"{len(wrong)} of {len(spaced)} sentence pairs with mixed whitespace score "
             f"differently from the same words separated by single spaces; the first is "
             f"{wrong[0]}. {why}")


@pytest.mark.points(1)
def test_tokens_are_case_sensitive(sub):
    why = "Tokens are compared exactly: 'The' and 'the' are different words."
    _expect(sub, "the cat", "The cat", 1, math.sqrt(1 / 2), why)
    _expect(sub, "the cat", "The cat", 2, 0.0, why)
    _expect(sub, "A b C", "a B c", 1, 0.0, why)
    _expect(sub, "Le chat est", "le chat est", 2, _formula(3, 3, [2 / 3, 1 / 2]), why)


@pytest.mark.points(1)
def test_ngrams_compare_whole_words(sub):
    why = ("An n-gram is a sequence of whole words: ('a', 'aa') and ('aa', 'a') differ, and "
           "a word matches only an equal word of the label, not a piece of one.")
    _expect(sub, "a aa", "aa a", 2, 0.0, why)
    _expect(sub, "a aa", "aa a", 1, 1.0, why)
    _expect(sub, "x ab c", "x a bc", 2, 0.0, why)
    _expect(sub, "x ab c", "x a bc", 1, math.sqrt(1 / 3), why)
    _expect(sub, "a t", "cat", 1, 0.0, why)
    _expect(sub, "at the", "the cat", 1, math.sqrt(1 / 2), why)


@pytest.mark.points(1)
def test_k_below_one_raises_value_error(sub):
    for pred, label, k in ((D2L_PRED, D2L_LABEL, 0), ("a b", "a b", -1), ("a", "b", -3),
                           ("", "a", 0)):
        expect_raises(ValueError, sub.bleu, pred, label, k, what=f"bleu({pred!r}, {label!r}, {k})",
                      why="k is the longest n-gram used and must be at least 1; check it first, "
                          "whatever the sentences are.")


@pytest.mark.points(1)
def test_returns_python_float_in_unit_interval(sub, rng):
    r = _py_rng(rng)
    cases = [(D2L_PRED, D2L_LABEL, 2), (D2L_PRED, D2L_LABEL, 4), (D2L_LABEL, D2L_LABEL, 3),
             ("", "a b", 1), ("", "", 1), ("a", "a b c", 4), ("a b", "", 1),
             ("a b c d e f g h", "a b", 1)]
    cases += [_random_case(r, r.choice(["prediction_shorter", "prediction_longer",
                                        "same_length"])) for _ in range(40)]
    outcomes = call_each(sub.bleu, [((pred, label, k), {}) for pred, label, k in cases])
    for (pred, label, k), outcome in zip(cases, outcomes):
        what = f"bleu({pred!r}, {label!r}, {k})"
        value = outcome.get()
        if is_tensor(value) or isinstance(value, bool) or not isinstance(value, float):
            fail(f"{what} returned {type(value).__name__ if value is not None else 'None'}; "
                 "BLEU must always be a Python float (0.0 and 1.0, not 0 and 1, and not a tensor).")
        number = _number(value, what)
        if not 0.0 <= number <= 1.0:
            fail(f"{what} returned a score outside [0, 1]; every p_n is at most 1 and the "
                 "brevity factor never exceeds 1.")
