"""A small pretrained BERT for the fine-tuning exercise, shipped with the package.

    from grader.pretrained import load_pretrained_encoder, load_pair_dataset, make_pair_batches
    encoder, vocab = load_pretrained_encoder()          # a fresh copy each call
    train = load_pair_dataset("train")                  # [(tokens_a, tokens_b, label), ...]

Everything here (weights, vocabulary, data) was made by ``python -m grader.pretrained.make_bert``
from a synthetic language (:mod:`grader.pretrained.language`); nothing is downloaded.
"""

from grader.pretrained.bert import (CONFIG, LABELS, NUM_CLASSES, BERTEncoder, PairBatches, Vocab,
                                    encode_pairs, evaluate_accuracy, load_pair_dataset,
                                    load_pretrained_encoder, load_vocab, make_pair_batches,
                                    random_encoder)

__all__ = ["CONFIG", "LABELS", "NUM_CLASSES", "BERTEncoder", "PairBatches", "Vocab",
           "encode_pairs", "evaluate_accuracy", "load_pair_dataset", "load_pretrained_encoder",
           "load_vocab", "make_pair_batches", "random_encoder"]
