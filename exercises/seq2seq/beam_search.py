"""Beam search with a length penalty (d2l: Modern RNNs > Beam Search).

A trained seq2seq decoder gives you, for any prefix of the output, the log-probabilities of
every possible next token. Which output sequence should you return?

* Greedy search takes the single most likely token at every step: fast, but it can miss
  a sequence whose product of probabilities is larger.
* Exhaustive search scores every possible sequence: best, but |Y|^T' sequences is far too
  many.
* Beam search sits in between: it keeps the ``beam_size`` best partial sequences at every
  step (a greedy search that keeps the k best instead of the single best).

Here the decoder is hidden behind a function ``step_fn(prefix)``. ``prefix`` is a list of
ints that starts with ``bos`` followed by the tokens chosen so far, and ``step_fn`` returns
a 1-D tensor with one log-probability per vocabulary token. For example, with
``bos = 5``, ``step_fn([5])`` gives the log-probabilities of the first token and
``step_fn([5, 2, 0])`` those of the token after ``2, 0``.

The algorithm you will write (follow it exactly, the checks compare with it):

1. The beam starts as the empty sequence (total log-probability 0).
2. A step extends every sequence in the beam that does *not* end in ``eos`` by every token
   of the vocabulary, adding that token's log-probability to its parent's total. Of all
   these extensions together (not per parent), the ``beam_size`` with the highest total
   log-probability form the new beam.
3. A sequence that ends in ``eos`` has finished: it is never extended again and it does
   not compete for a place in the next beam. The next step extends only the unfinished
   members of the beam.
4. Stop after ``max_len`` steps, or earlier when every sequence in the beam ends in
   ``eos`` (nothing is left to extend).
5. Every sequence that was in the beam after any step is a candidate: the short ones from
   early steps, the finished ones and the last beam. (The empty start sequence is not.)
   Return the candidate with the highest

       score = log P(sequence) / L ** alpha

   where log P is its total log-probability (the eos token's included) and L its length
   (eos counted). Without the division, every extra token multiplies in a probability
   below 1, so the shortest sequences would always win.

Call ``step_fn`` exactly once for each sequence you extend, with a fresh list
``[bos] + tokens`` that you do not change afterwards (never with a finished prefix), and add
up log-probabilities in float64 or Python floats (``step_fn`` may return float32, float16 or
bfloat16, on the GPU; numpy has no bfloat16). Return the tokens as a list of Python ints,
without ``bos`` and with the final ``eos`` if the sequence has one.

Where this departs from d2l (the book gives prose and a figure, no code), and why:

* In the book every sequence kept at a step is extended at the next one (its figure keeps
  A, C, then AB, CE, then ABD, CED), and the final candidates are cut at eos afterwards
  ("discard portions including and after <eos>"). Here a sequence ending in ``eos`` has
  finished (point 3 above): it leaves the beam and is never extended, so no place in the
  beam goes to continuations that the cut would throw away.
* The book scores the cut candidate, so its log P and its L leave the eos out. Here the
  ``eos`` stays in the candidate: log P includes the eos token's log-probability (the
  model's probability of stopping there is part of the sequence's probability) and L counts
  it, so the finished ``A B eos`` and the unfinished ``A B`` are two candidates with two
  scores.
* The book says that L ** alpha "penalizes long sequences"; dividing a negative log P by
  L ** alpha in fact raises the score of long sequences, which is its purpose (point 5 above).

Fill in the function below, then run::

    learn check seq2seq/beam-search

Rules: plain Python and torch are all you need (``torch.topk``, ``sorted`` and ``heapq``
are fine); no library beam search.
"""

from typing import Callable

import torch


def beam_search(step_fn: Callable[[list[int]], torch.Tensor], bos: int, eos: int,
                beam_size: int, max_len: int, alpha: float = 0.75) -> list[int]:
    """Decode with beam search and return the best sequence by length-normalised score.

    Args:
        step_fn: ``step_fn(prefix)`` takes a list of ints ``[bos, y1, ..., yt]`` and returns
            a 1-D tensor of next-token log-probabilities over the whole vocabulary (any
            float dtype, any device). It is a pure function of ``prefix``.
        bos: the begin-of-sequence token; it starts every prefix passed to ``step_fn`` and
            is not part of the result. It may be outside the vocabulary or a token id the
            decoder can also output (then that token may appear in the result).
        eos: the end-of-sequence token; a sequence ending in it is finished.
        beam_size: how many sequences the beam keeps after each step (1 gives greedy search).
        max_len: the largest number of steps, so the longest possible result (eos included).
        alpha: the exponent of the length penalty; the candidate with the highest
            ``log P / L ** alpha`` wins (``alpha = 0`` compares raw log-probabilities).

    Returns:
        The winning candidate as a list of Python ints: without ``bos``, with its ``eos``
        when it has one, at least 1 and at most ``max_len`` tokens long.

    Raises:
        ValueError: if ``beam_size < 1`` or ``max_len < 1``.
    """
    raise NotImplementedError("implement beam_search")
