"""Unit tests of grader.pretrained: the synthetic language, the shipped data and the encoder."""

from __future__ import annotations

import json
import random

import pytest
import torch

from grader.pretrained import (CONFIG, LABELS, NUM_CLASSES, BERTEncoder, Vocab, encode_pairs,
                               evaluate_accuracy, language, load_pair_dataset,
                               load_pretrained_encoder, load_vocab, make_pair_batches,
                               random_encoder)
from grader.pretrained import bert, make_bert


def _tokens_and_segments(a, b=None):
    tokens = ["<cls>", *a, "<sep>"]
    segments = [0] * len(tokens)
    if b is not None:
        tokens += [*b, "<sep>"]
        segments += [1] * (len(b) + 1)
    return tokens, segments


# ---------------------------------------------------------------- the language

def test_vocabulary_is_unique_with_specials_first():
    tokens = language.vocabulary_tokens()
    assert len(tokens) == len(set(tokens))
    assert tokens[:5] == ["<pad>", "<unk>", "<cls>", "<sep>", "<mask>"]
    assert 150 <= len(tokens) <= 500


def test_every_topic_owns_disjoint_clusters():
    grammar = language.Grammar(0)
    for owned, total in ((grammar.nouns, len(language.NOUNS)),
                         (grammar.verbs, len(language.VERBS)),
                         (grammar.adjectives, len(language.ADJECTIVES))):
        flat = [c for topic in owned for c in topic]
        assert sorted(flat) == list(range(total))


def test_corpus_is_deterministic_and_topic_coherent():
    first = language.corpus(3, 40)
    assert first == language.corpus(3, 40)
    assert first != language.corpus(4, 40)
    grammar = language.Grammar(3)
    topic_of_word = {}
    for t in range(grammar.num_topics):
        for clusters, words in ((grammar.nouns[t], language.NOUNS),
                                (grammar.verbs[t], language.VERBS),
                                (grammar.adjectives[t], language.ADJECTIVES)):
            for c in clusters:
                topic_of_word.update({w: t for w in words[c]})
    for paragraph in first:
        assert 3 <= len(paragraph) <= 6
        topics = {topic_of_word[w] for sentence in paragraph for w in sentence}
        assert len(topics) == 1
        assert all(len(sentence) == 5 for sentence in paragraph)


def test_pairs_are_balanced_deterministic_and_share_no_word():
    pairs = language.make_pairs(11, 200)
    assert pairs == language.make_pairs(11, 200)
    assert sum(label for _, _, label in pairs) == 100
    grammar = language.Grammar(0)
    cluster = {}
    for clusters in (language.NOUNS, language.VERBS, language.ADJECTIVES):
        for i, words in enumerate(clusters):
            cluster.update({w: (id(clusters), i) for w in words})

    def topic(sentence):
        noun = sentence[1]
        index = next(i for i, words in enumerate(language.NOUNS) if noun in words)
        return next(t for t in range(grammar.num_topics) if index in grammar.nouns[t])

    paraphrases = 0
    for a, b, label in pairs:
        assert not set(a) & set(b)
        assert (topic(a) == topic(b)) == (label == 1)
        paraphrases += [cluster[w] for w in a] == [cluster[w] for w in b]
    assert 30 <= paraphrases <= 70  # about half of the 100 same-topic pairs restate A


# ---------------------------------------------------------------- the shipped files

def test_shipped_vocab_matches_the_language():
    assert load_vocab().idx_to_token == language.vocabulary_tokens()


def test_shipped_pairs_are_what_the_script_generates():
    for split, (seed, n) in (("train", (make_bert.TRAIN_PAIRS_SEED, make_bert.NUM_TRAIN_PAIRS)),
                             ("test", (make_bert.TEST_PAIRS_SEED, make_bert.NUM_TEST_PAIRS))):
        assert load_pair_dataset(split) == language.make_pairs(seed, n, make_bert.CORPUS_SEED)


def test_train_and_test_pairs_differ():
    train = {(tuple(a), tuple(b)) for a, b, _ in load_pair_dataset("train")}
    test = [(tuple(a), tuple(b)) for a, b, _ in load_pair_dataset("test")]
    assert sum(pair in train for pair in test) < 10


def test_weights_are_small_and_metadata_matches():
    assert bert.WEIGHTS_FILE.stat().st_size < 2 * 1024 * 1024
    meta = json.loads((bert.DATA_DIR / "meta.json").read_text(encoding="utf-8"))
    assert meta["config"] == CONFIG
    assert meta["vocab_size"] == len(load_vocab())
    assert meta["final_metrics"]["nsp_acc"] > 0.8


def test_load_pair_dataset_rejects_unknown_split():
    with pytest.raises(ValueError):
        load_pair_dataset("validation")


def test_labels():
    assert NUM_CLASSES == len(LABELS) == 2
    labels = {label for _, _, label in load_pair_dataset("train")}
    assert labels == set(range(NUM_CLASSES))


# ---------------------------------------------------------------- vocab and encoder

def test_vocab_lookup():
    vocab = load_vocab()
    assert vocab["<pad>"] == 0 and vocab["no-such-word"] == vocab["<unk>"]
    ids = vocab[["dog", "hound", "zzz"]]
    assert vocab.to_tokens(ids) == ["dog", "hound", "<unk>"]
    with pytest.raises(ValueError):
        Vocab(["a", "b"])


def test_pretrained_encoder_is_a_fresh_copy_each_call():
    first, vocab = load_pretrained_encoder()
    assert isinstance(first, BERTEncoder) and len(vocab) == first.token_embedding.num_embeddings
    with torch.no_grad():
        first.token_embedding.weight.zero_()
    second, _ = load_pretrained_encoder()
    assert second.token_embedding.weight.abs().sum() > 0
    assert first.token_embedding.weight is not second.token_embedding.weight


def test_random_encoder_has_the_same_architecture_and_keeps_the_global_rng():
    pretrained, _ = load_pretrained_encoder()
    state = torch.random.get_rng_state()
    a, _ = random_encoder(seed=5)
    b, _ = random_encoder(seed=5)
    assert torch.equal(torch.random.get_rng_state(), state)
    shapes = {k: v.shape for k, v in pretrained.state_dict().items()}
    assert {k: v.shape for k, v in a.state_dict().items()} == shapes
    for key, value in a.state_dict().items():
        assert torch.equal(value, b.state_dict()[key])
    assert not torch.equal(a.token_embedding.weight, pretrained.token_embedding.weight)


def test_encoder_output_shape_and_padding_invariance():
    encoder, vocab = load_pretrained_encoder()
    encoder.eval()
    pairs = load_pair_dataset("test")[:6]
    (tokens, segments, valid_lens), _ = encode_pairs(pairs, vocab, _tokens_and_segments,
                                                     num_steps=20)
    out = encoder(tokens, segments, valid_lens)
    assert out.shape == (6, 20, CONFIG["num_hiddens"])
    noisy = tokens.clone()
    pad = torch.arange(20)[None, :] >= valid_lens[:, None]
    noisy[pad] = torch.randint(5, len(vocab), (int(pad.sum()),))
    noisy_out = encoder(noisy, segments, valid_lens)
    keep = ~pad
    torch.testing.assert_close(noisy_out[keep], out[keep], rtol=1e-5, atol=1e-5)


def test_encoder_runs_in_float64_without_valid_lens_and_rejects_long_inputs():
    encoder, _ = random_encoder(seed=0)
    encoder = encoder.double()
    tokens = torch.randint(0, 50, (2, 7))
    out = encoder(tokens, torch.zeros_like(tokens))
    assert out.dtype == torch.float64 and out.shape == (2, 7, CONFIG["num_hiddens"])
    too_long = torch.zeros(1, CONFIG["max_len"] + 1, dtype=torch.long)
    with pytest.raises(ValueError):
        encoder(too_long, too_long)


def test_positional_embedding_is_learned():
    encoder, _ = random_encoder(seed=0)
    names = dict(encoder.named_parameters())
    assert "pos_embedding" in names and names["pos_embedding"].shape[1] == CONFIG["max_len"]


# ---------------------------------------------------------------- batches

def test_make_pair_batches_pads_and_covers_every_pair():
    vocab = load_vocab()
    pairs = load_pair_dataset("train")[:50]
    batches = make_pair_batches(pairs, vocab, 16, _tokens_and_segments)
    assert len(batches) == 4
    seen = 0
    for (tokens, segments, valid_lens), y in batches:
        assert tokens.dtype == segments.dtype == valid_lens.dtype == y.dtype == torch.long
        assert tokens.shape == segments.shape and tokens.shape[0] == y.shape[0]
        assert tokens.shape[1] == int(valid_lens.max())
        for row in range(tokens.shape[0]):
            a, b, label = pairs[seen + row]
            want_tokens, want_segments = _tokens_and_segments(a, b)
            n = len(want_tokens)
            assert int(valid_lens[row]) == n and int(y[row]) == label
            assert vocab.to_tokens(tokens[row, :n].tolist()) == want_tokens
            assert segments[row, :n].tolist() == want_segments
            assert (tokens[row, n:] == vocab["<pad>"]).all() and (segments[row, n:] == 0).all()
        seen += tokens.shape[0]
    assert seen == 50


def test_batches_have_the_layout_a_dataloader_yields():
    """[[tokens, segments, valid_lens], y], lists as torch's collation makes them (d2l's
    train_batch_ch13 moves X element-wise only when it is a list)."""
    vocab = load_vocab()
    pairs = load_pair_dataset("train")[:8]
    (tokens, segments, valid_lens), y = encode_pairs(pairs, vocab, _tokens_and_segments)
    items = [((tokens[i], segments[i], valid_lens[i]), y[i]) for i in range(8)]
    collated = next(iter(torch.utils.data.DataLoader(items, batch_size=8)))
    batch = next(iter(make_pair_batches(pairs, vocab, 8, _tokens_and_segments)))
    for ours, theirs in ((batch, collated), (batch[0], collated[0])):
        assert type(ours) is type(theirs) is list and len(ours) == len(theirs)
    for ours, theirs in zip([*batch[0], batch[1]], [*collated[0], collated[1]]):
        assert torch.equal(ours, theirs)


def test_shuffled_batches_are_reproducible_and_differ_per_epoch():
    vocab = load_vocab()
    pairs = load_pair_dataset("train")[:40]
    a = make_pair_batches(pairs, vocab, 8, _tokens_and_segments, shuffle=True,
                          generator=torch.Generator().manual_seed(1))
    b = make_pair_batches(pairs, vocab, 8, _tokens_and_segments, shuffle=True,
                          generator=torch.Generator().manual_seed(1))
    first_a, first_b = [y for _, y in a], [y for _, y in b]
    assert all(torch.equal(x, z) for x, z in zip(first_a, first_b))
    second_a = [y for _, y in a]
    assert sorted(torch.cat(first_a).tolist()) == sorted(torch.cat(second_a).tolist())
    epoch1 = [X[0] for X, _ in a]
    epoch2 = [X[0] for X, _ in a]
    assert any(x.shape != z.shape or not torch.equal(x, z) for x, z in zip(epoch1, epoch2))


def test_evaluate_accuracy_restores_the_mode():
    class Constant(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.w = torch.nn.Parameter(torch.zeros(()))

        def forward(self, tokens, segments, valid_lens):
            logits = torch.zeros(tokens.shape[0], 2)
            logits[:, 1] = 1.0
            return logits + self.w

    vocab = load_vocab()
    pairs = load_pair_dataset("test")[:100]
    model = Constant().train()
    acc = evaluate_accuracy(model, make_pair_batches(pairs, vocab, 32, _tokens_and_segments))
    assert acc == pytest.approx(sum(label for _, _, label in pairs) / 100)
    assert model.training


# ---------------------------------------------------------------- the pretraining script

def test_pretraining_examples_mask_like_bert():
    vocab = Vocab(language.vocabulary_tokens())
    paragraphs = [[vocab[s] for s in p] for p in language.corpus(0, 300)]
    tokens, segments, valid_lens, positions, weights, labels, nsp = \
        make_bert.pretraining_examples(paragraphs, vocab, random.Random(0),
                                       torch.Generator().manual_seed(0))
    n = tokens.shape[0]
    assert n == sum(len(p) - 1 for p in paragraphs)
    assert 0.4 < nsp.float().mean() < 0.6
    chosen = weights.bool()
    assert (weights.sum(1) == torch.clamp(torch.round(0.15 * valid_lens.double()), min=1)).all()
    picked = tokens.gather(1, positions)[chosen]
    masked = (picked == vocab["<mask>"]).float().mean()
    assert 0.75 < masked < 0.85
    special = {vocab[t] for t in ("<cls>", "<sep>", "<pad>")}
    assert not any(int(t) in special for t in labels[chosen])
    # sorted positions, inside the valid part
    real = torch.where(chosen, positions, torch.full_like(positions, -1))
    for row in range(min(n, 200)):
        p = [int(x) for x in real[row] if x >= 0]
        assert p == sorted(p) and all(0 < x < int(valid_lens[row]) for x in p)


def test_pretrain_smoke():
    encoder, vocab, metrics = make_bert.pretrain(steps=2, batch_size=8, num_paragraphs=30,
                                                 log_every=1)
    assert isinstance(encoder, BERTEncoder) and not encoder.training
    assert set(metrics) >= {"mlm_loss", "nsp_loss", "mlm_acc", "nsp_acc"}
