"""Hidden checks for exercises/bert/fine_tuning.py (fine-tuning a small pretrained BERT)."""

import copy

import pytest
import torch
from torch import nn

from grader.asserts import assert_close, assert_number, assert_tensor, fail, is_tensor
from grader.pretrained import (CONFIG, NUM_CLASSES, BERTEncoder, encode_pairs, evaluate_accuracy,
                               load_pair_dataset, load_pretrained_encoder, load_vocab,
                               make_pair_batches)

D = CONFIG["num_hiddens"]

# The end-to-end run (benchmarks/bert_pretraining_gain.py uses the same settings and prints
# the accuracies it reaches from pretrained and from random weights over many seeds).
E2E_TRAIN_PAIRS, E2E_BATCH_SIZE, E2E_EPOCHS, E2E_BACKBONE_LR, E2E_HEAD_LR = 500, 32, 2, 1e-3, 3e-3
E2E_MIN_ACCURACY = 0.8


# ---------------------------------------------------------------- helpers

# The checks build their own inputs, models and optimizers with the small helpers below (the
# exercise's specification written out), never with the reference module: the learner's
# functions are called on them, and the reference refuses to run on the submission's behalf.

def _tokens_and_segments(tokens_a, tokens_b=None):
    tokens = ["<cls>", *tokens_a, "<sep>"]
    segments = [0] * len(tokens)
    if tokens_b is not None:
        tokens += [*tokens_b, "<sep>"]
        segments += [1] * (len(tokens_b) + 1)
    return tokens, segments


class _Classifier(nn.Module):
    """BERTClassifier as specified: output(hidden(encoder(...)[:, 0, :]))."""

    def __init__(self, encoder, num_hiddens, num_classes):
        super().__init__()
        self.encoder = encoder
        self.hidden = nn.Sequential(nn.Linear(num_hiddens, num_hiddens), nn.Tanh())
        self.output = nn.Linear(num_hiddens, num_classes)

    def forward(self, tokens, segments, valid_lens):
        return self.output(self.hidden(self.encoder(tokens, segments, valid_lens)[:, 0, :]))


def _optimizer(model, backbone_lr, head_lr):
    backbone = list(model.encoder.parameters())
    ids = {id(p) for p in backbone}
    head = [p for p in model.parameters() if id(p) not in ids]
    return torch.optim.Adam([{"params": backbone, "lr": backbone_lr},
                             {"params": head, "lr": head_lr}])


def _words(rng, n):
    vocab = load_vocab()
    specials = sum(1 for t in vocab.idx_to_token if t.startswith("<"))
    idx = torch.randint(specials, len(vocab), (n,), generator=rng).tolist()
    return [vocab.idx_to_token[i] for i in idx]


def _small_encoder(rng, dtype=torch.float32):
    """A tiny randomly initialized encoder (fast; the checks of fine_tune need no pretraining)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(torch.randint(0, 2**31 - 1, (1,), generator=rng)))
        encoder = BERTEncoder(len(load_vocab()), num_hiddens=16, ffn_num_hiddens=32,
                              num_heads=2, num_blocks=1, max_len=CONFIG["max_len"])
    return encoder.to(dtype)


def _pairs(rng, n, split="train"):
    pairs = load_pair_dataset(split)
    idx = torch.randperm(len(pairs), generator=rng)[:n].tolist()
    return [pairs[i] for i in idx]


def _uneven_batches(rng, sizes=(7, 3, 12, 1, 5)):
    """Batches of different sizes, so a mean of batch means differs from the per-example mean."""
    vocab = load_vocab()
    pairs = _pairs(rng, sum(sizes))
    batches, start = [], 0
    for size in sizes:
        batches.append(encode_pairs(pairs[start:start + size], vocab, _tokens_and_segments))
        start += size
    return batches


def _real_batch(rng, n=12):
    vocab = load_vocab()
    return encode_pairs(_pairs(rng, n, "test"), vocab, _tokens_and_segments)


class _FixedEncoder(nn.Module):
    """Stands in for BERT's encoder: returns a preset output and records how it was called."""

    def __init__(self, Z):
        super().__init__()
        self.register_buffer("Z", Z)
        self.scale = nn.Parameter(torch.ones((), dtype=Z.dtype))
        self.calls = []

    def forward(self, tokens, segments, valid_lens=None):
        self.calls.append((tokens, segments, valid_lens))
        return self.Z * self.scale


class _Recorder(nn.Module):
    """Wraps an encoder and records (training flag, grad enabled) at every forward."""

    def __init__(self, inner):
        super().__init__()
        self.inner = inner
        self.flags = []

    def forward(self, tokens, segments, valid_lens=None):
        self.flags.append((self.training, torch.is_grad_enabled()))
        return self.inner(tokens, segments, valid_lens)


def _head(model, num_hiddens, num_classes, what):
    """(hidden Linear, output Linear) of a classifier, after checking the attributes."""
    for name in ("encoder", "hidden", "output"):
        if not isinstance(getattr(model, name, None), nn.Module):
            fail(f"{what} has no nn.Module attribute `{name}`; keep the attribute names "
                 "encoder, hidden and output from the stub.")
    output = model.output
    if not isinstance(output, nn.Linear) or (output.in_features, output.out_features) != (
            num_hiddens, num_classes):
        fail(f"{what}.output should be nn.Linear({num_hiddens}, {num_classes}) (num_hiddens to "
             f"num_classes), got {output!r}.")
    linears = [m for m in model.hidden.modules() if isinstance(m, nn.Linear)]
    if len(linears) != 1 or (linears[0].in_features, linears[0].out_features) != (
            num_hiddens, num_hiddens):
        fail(f"{what}.hidden should hold exactly one nn.Linear({num_hiddens}, {num_hiddens}) "
             f"(followed by Tanh), got {model.hidden!r}.")
    extra = {id(p) for p in model.hidden.parameters()} - {id(p) for p in linears[0].parameters()}
    if extra:
        fail(f"{what}.hidden has parameters besides its Linear layer; it is Linear then Tanh.")
    return linears[0], output


def _check_tokens(sub, tokens_a, tokens_b, single):
    a_in, b_in = list(tokens_a), None if tokens_b is None else list(tokens_b)
    if single:
        what = f"get_tokens_and_segments({tokens_a})"
        result = sub.get_tokens_and_segments(a_in)
    else:
        what = f"get_tokens_and_segments({tokens_a}, {tokens_b})"
        result = sub.get_tokens_and_segments(a_in, b_in)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        fail(f"{what} returned {type(result).__name__}; return a tuple (tokens, segments).")
    tokens, segments = result
    if not isinstance(tokens, list) or not isinstance(segments, list):
        fail(f"{what} returned ({type(tokens).__name__}, {type(segments).__name__}); both "
             "tokens and segments must be Python lists.")
    want_tokens = ["<cls>"] + list(tokens_a) + ["<sep>"]
    want_segments = [0] * len(want_tokens)
    if tokens_b is not None:
        want_tokens += list(tokens_b) + ["<sep>"]
        want_segments += [1] * (len(tokens_b) + 1)
    if tokens != want_tokens:
        if len(tokens) != len(want_tokens):
            fail(f"{what} returned {len(tokens)} tokens, expected {len(want_tokens)}: <cls>, "
                 "sentence A, <sep>" + (", sentence B and a final <sep>." if tokens_b is not None
                                        else " (a single sentence has no second part)."))
        i = next(i for i, (t, w) in enumerate(zip(tokens, want_tokens)) if t != w)
        fail(f"{what}: token {i} is {tokens[i]!r}, which is not where it belongs in "
             "<cls> A <sep>" + (" B <sep>." if tokens_b is not None else "."))
    if any(isinstance(s, bool) or not isinstance(s, int) for s in segments):
        fail(f"{what} returned segment ids that are not all Python ints.")
    if segments != want_segments:
        if len(segments) != len(want_segments):
            fail(f"{what} returned {len(segments)} segment ids for {len(want_tokens)} tokens; "
                 "there is one segment id per token.")
        i = next(i for i, (s, w) in enumerate(zip(segments, want_segments)) if s != w)
        fail(f"{what}: the segment id of token {i} ({want_tokens[i]!r}) is {segments[i]}. "
             "<cls>, sentence A and the <sep> after A are segment 0; sentence B and its "
             "closing <sep> are segment 1.")
    if a_in != list(tokens_a) or (tokens_b is not None and b_in != list(tokens_b)):
        fail(f"{what} modified its input lists; build new lists instead.")
    if tokens is a_in or tokens is b_in:
        fail(f"{what} returned one of its input lists as `tokens`; return a new list.")


# ---------------------------------------------------------------- get_tokens_and_segments

@pytest.mark.points(2)
def test_single_sentence_tokens_and_segments(sub, rng):
    lengths = [0, 1] + torch.randint(2, 9, (4,), generator=rng).tolist()
    for n in lengths:
        words = _words(rng, n)
        _check_tokens(sub, words, None, single=True)
        _check_tokens(sub, words, None, single=False)


@pytest.mark.points(2)
def test_pair_tokens_and_segments(sub, rng):
    shapes = [(0, 0), (0, 3), (4, 0)]
    shapes += [tuple(torch.randint(1, 9, (2,), generator=rng).tolist()) for _ in range(5)]
    for n_a, n_b in shapes:
        _check_tokens(sub, _words(rng, n_a), _words(rng, n_b), single=False)


def test_tokens_and_segments_leave_inputs_alone(sub, rng):
    a, b = _words(rng, 5), _words(rng, 4)
    a_copy, b_copy = list(a), list(b)
    tokens, _ = sub.get_tokens_and_segments(a, b)
    if a != a_copy or b != b_copy:
        fail("get_tokens_and_segments(tokens_a, tokens_b) modified tokens_a or tokens_b; the "
             "caller still needs the sentences (build new lists).")
    if isinstance(tokens, list):
        tokens.append("<extra>")
        if a != a_copy or b != b_copy:
            fail("the tokens list returned by get_tokens_and_segments shares storage with an "
                 "input list; return a new list.")
    single, _ = sub.get_tokens_and_segments(a)
    if a != a_copy:
        fail("get_tokens_and_segments(tokens_a) modified tokens_a.")
    if single is a:
        fail("get_tokens_and_segments(tokens_a) returned tokens_a itself; return a new list.")


# ---------------------------------------------------------------- BERTClassifier

@pytest.mark.points(2)
def test_classifier_keeps_the_given_encoder_and_head_shapes(sub, rng):
    Z = torch.randn(3, 5, 16, generator=rng)
    encoder = _FixedEncoder(Z)
    model = sub.BERTClassifier(encoder, 16, 5)
    if not isinstance(model, nn.Module):
        fail("BERTClassifier(...) must be an nn.Module.")
    _head(model, 16, 5, "BERTClassifier(encoder, 16, 5)")
    if model.encoder is not encoder:
        fail("BERTClassifier(encoder, ...).encoder is not the encoder that was passed in. "
             "Fine-tuning starts from the pretrained parameters: keep the given encoder object "
             "itself (no copy, no new encoder).")
    params = {id(p) for p in model.parameters()}
    if any(id(p) not in params for p in encoder.parameters()):
        fail("the encoder's parameters are not among BERTClassifier(...).parameters(); "
             "register the encoder as a submodule (self.encoder = encoder).")
    encoder2, _ = load_pretrained_encoder()
    model2 = sub.BERTClassifier(encoder2, D, NUM_CLASSES)
    _head(model2, D, NUM_CLASSES, f"BERTClassifier(pretrained encoder, {D}, {NUM_CLASSES})")
    if model2.encoder is not encoder2:
        fail("BERTClassifier(pretrained encoder, ...).encoder is not the pretrained encoder "
             "that was passed in; keep that very object.")


def test_classifier_hidden_is_linear_then_tanh(sub, rng):
    model = sub.BERTClassifier(_FixedEncoder(torch.zeros(2, 3, 8)), 8, 3)
    linear, _ = _head(model, 8, 3, "BERTClassifier(encoder, 8, 3)")
    X = torch.randn(6, 8, generator=rng) * 3
    with torch.no_grad():
        got = model.hidden(X)
        want = torch.tanh(X @ linear.weight.T + linear.bias)
    assert_close(got, want, what="BERTClassifier(...).hidden(X)",
                 why="BERT's pooler is a Linear layer followed by tanh.", rtol=1e-5, atol=1e-6)


@pytest.mark.points(2)
def test_classifier_logits_come_from_the_cls_vector(sub, device, rng):
    batch, steps, d, classes = 4, 7, 16, 3
    Z = (torch.randn(batch, steps, d, generator=rng) * 2).to(device)
    encoder = _FixedEncoder(Z)
    model = sub.BERTClassifier(encoder, d, classes).to(device)
    linear, output = _head(model, d, classes, f"BERTClassifier(encoder, {d}, {classes})")
    tokens = torch.randint(5, 50, (batch, steps), generator=rng).to(device)
    segments = torch.zeros(batch, steps, dtype=torch.long).to(device)
    valid_lens = torch.tensor([7, 5, 6, 3]).to(device)
    model.eval()
    with torch.no_grad():
        logits = model(tokens, segments, valid_lens)
        want = output(torch.tanh(linear(Z[:, 0])))
    assert_close(logits, want, what="BERTClassifier(...)(tokens, segments, valid_lens)",
                 why="the logits are output(hidden(encoded_X[:, 0, :])): only the encoder's "
                     "vector at position 0 (<cls>) is used, through hidden (Linear + Tanh) "
                     "and output.", rtol=1e-5, atol=1e-5)
    with torch.no_grad():
        encoder.Z[:, 1:] = torch.randn(batch, steps - 1, d, generator=rng).to(device) * 2
        other = model(tokens, segments, valid_lens)
    assert_close(other, logits, what="the logits after changing the encoder's output at "
                 "positions 1..num_steps-1", why="the classifier must read only position 0 "
                 "(<cls>), whose representation summarizes the pair.", rtol=1e-5, atol=1e-5)
    with torch.no_grad():
        encoder.Z[:, 0] = torch.randn(batch, d, generator=rng).to(device) * 2
        moved = model(tokens, segments, valid_lens)
    assert_tensor(moved, what="BERTClassifier(...)(...)", shape=(batch, classes))
    if bool(torch.isclose(moved, logits, atol=1e-4).all()):
        fail("changing the encoder's output at position 0 (<cls>) did not change the logits; "
             "the classifier must be computed from that vector.")


def test_classifier_passes_its_inputs_to_the_encoder(sub, rng):
    Z = torch.randn(3, 6, 8, generator=rng)
    encoder = _FixedEncoder(Z)
    model = sub.BERTClassifier(encoder, 8, 2)
    tokens = torch.randint(5, 50, (3, 6), generator=rng)
    segments = torch.randint(0, 2, (3, 6), generator=rng)
    valid_lens = torch.tensor([6, 4, 5])
    model(tokens, segments, valid_lens)
    if len(encoder.calls) != 1:
        fail(f"one forward pass of BERTClassifier called the encoder {len(encoder.calls)} "
             "times; call it once.")
    got = encoder.calls[0]
    for position, (name, value, want) in enumerate(zip(
            ("tokens", "segments", "valid_lens"), got, (tokens, segments, valid_lens))):
        if not is_tensor(value) or value.shape != want.shape or not torch.equal(value, want):
            fail(f"BERTClassifier.forward did not pass `{name}` on to the encoder unchanged as "
                 f"argument {position + 1} of encoder(tokens, segments, valid_lens). Without "
                 "valid_lens the encoder would attend to padding.")


@pytest.mark.points(2)
def test_classifier_matches_reference_on_the_pretrained_encoder(sub, device, rng):
    encoder, _ = load_pretrained_encoder()
    encoder.to(device).eval()
    model = sub.BERTClassifier(encoder, D, NUM_CLASSES).to(device)
    linear, output = _head(model, D, NUM_CLASSES, f"BERTClassifier(encoder, {D}, {NUM_CLASSES})")
    expected_model = _Classifier(encoder, D, NUM_CLASSES).to(device)
    with torch.no_grad():
        expected_model.hidden[0].weight.copy_(linear.weight)
        expected_model.hidden[0].bias.copy_(linear.bias)
        expected_model.output.weight.copy_(output.weight)
        expected_model.output.bias.copy_(output.bias)
    X, _ = _real_batch(rng)
    X = [x.to(device) for x in X]
    model.eval()
    with torch.no_grad():
        logits = model(*X)
        want = expected_model(*X)
    assert_close(logits, want, what="BERTClassifier(pretrained encoder, ...)(tokens, segments, "
                 "valid_lens)", why="with the same weights, the logits must be "
                 "output(hidden(encoder(tokens, segments, valid_lens)[:, 0, :])).",
                 rtol=1e-4, atol=1e-5)


@pytest.mark.points(2)
def test_classifier_ignores_padding(sub, device, rng):
    encoder, vocab = load_pretrained_encoder()
    encoder.to(device).eval()
    model = sub.BERTClassifier(encoder, D, NUM_CLASSES).to(device).eval()
    (tokens, segments, valid_lens), _ = _real_batch(rng)
    batch, steps = tokens.shape
    extra = 4
    noisy_tokens = torch.randint(5, len(vocab), (batch, steps + extra), generator=rng)
    noisy_segments = torch.randint(0, 2, (batch, steps + extra), generator=rng)
    inside = torch.arange(steps + extra)[None, :] < valid_lens[:, None]
    noisy_tokens[:, :steps] = torch.where(inside[:, :steps], tokens, noisy_tokens[:, :steps])
    noisy_segments[:, :steps] = torch.where(inside[:, :steps], segments,
                                            noisy_segments[:, :steps])
    with torch.no_grad():
        clean = model(tokens.to(device), segments.to(device), valid_lens.to(device))
        noisy = model(noisy_tokens.to(device), noisy_segments.to(device), valid_lens.to(device))
    assert_close(noisy, clean, what="the logits of a batch whose padding (the positions at and "
                 "beyond valid_lens) was filled with other tokens",
                 why="padding must not change a prediction: pass valid_lens to the encoder so "
                     "that attention ignores the padded positions.", rtol=1e-4, atol=1e-5)


def test_classifier_gradients_reach_the_encoder(sub, rng):
    encoder = _small_encoder(rng)
    model = sub.BERTClassifier(encoder, 16, 3)
    X, _ = _real_batch(rng, n=6)
    model.train()
    logits = model(*X)
    assert_tensor(logits, what="BERTClassifier(...)(tokens, segments, valid_lens)", shape=(6, 3))
    logits.square().sum().backward()
    for name, p in encoder.named_parameters():
        if p.grad is None or not bool(p.grad.abs().sum() > 0):
            fail(f"after backward through BERTClassifier, the encoder parameter {name} got no "
                 "gradient. Fine-tuning trains the encoder too: do not detach its output or "
                 "run it under torch.no_grad().")
    for part in ("hidden", "output"):
        for p in getattr(model, part).parameters():
            if p.grad is None:
                fail(f"the parameters of `{part}` got no gradient from the logits.")


# ---------------------------------------------------------------- make_optimizer

def _optimizer_model(rng):
    return _Classifier(_small_encoder(rng), 16, 3)


@pytest.mark.points(2)
def test_optimizer_is_adam_with_two_learning_rates(sub, rng):
    model = _optimizer_model(rng)
    backbone_lr = float(torch.empty(()).uniform_(1e-5, 5e-4, generator=rng))
    head_lr = float(torch.empty(()).uniform_(1e-3, 1e-2, generator=rng))
    opt = sub.make_optimizer(model, backbone_lr, head_lr)
    what = f"make_optimizer(model, {backbone_lr:.3g}, {head_lr:.3g})"
    if type(opt) is not torch.optim.Adam:
        fail(f"{what} returned {type(opt).__name__}; the exercise asks for plain "
             "torch.optim.Adam.")
    if len(opt.param_groups) != 2:
        fail(f"{what} has {len(opt.param_groups)} parameter group(s); it needs two: the "
             "pretrained encoder with the small rate, the new head with the larger one.")
    for index, (name, want) in enumerate((("backbone_lr", backbone_lr), ("head_lr", head_lr))):
        assert_number(opt.param_groups[index]["lr"], want,
                      what=f"the learning rate of parameter group {index} of {what}",
                      why=f"group {index} must use {name} (first the encoder, then the head).")
    for index, group in enumerate(opt.param_groups):
        if group.get("weight_decay", 0) != 0:
            fail(f"parameter group {index} of {what} has weight decay; use plain Adam.")


@pytest.mark.points(2)
def test_optimizer_groups_split_encoder_from_head(sub, rng):
    model = _optimizer_model(rng)
    opt = sub.make_optimizer(model, 1e-4, 1e-3)
    what = "make_optimizer(model, 1e-4, 1e-3)"
    if len(getattr(opt, "param_groups", [])) != 2:
        fail(f"{what} must return an optimizer with two parameter groups.")
    first = [p for p in opt.param_groups[0]["params"]]
    second = [p for p in opt.param_groups[1]["params"]]
    encoder_ids = [id(p) for p in model.encoder.parameters()]
    other_ids = [id(p) for p in model.parameters() if id(p) not in set(encoder_ids)]
    first_ids, second_ids = [id(p) for p in first], [id(p) for p in second]
    if len(set(first_ids)) != len(first_ids) or len(set(second_ids)) != len(second_ids) or \
            set(first_ids) & set(second_ids):
        fail(f"{what} lists some parameter more than once; each parameter belongs to exactly "
             "one group.")
    if set(first_ids) != set(encoder_ids):
        missing = len(set(encoder_ids) - set(first_ids))
        stray = len(set(first_ids) - set(encoder_ids))
        fail(f"the first parameter group of {what} should be exactly model.encoder's "
             f"parameters; {missing} encoder parameter(s) are missing from it and {stray} "
             "other parameter(s) are in it. The pretrained encoder gets backbone_lr.")
    if set(second_ids) != set(other_ids):
        missing = len(set(other_ids) - set(second_ids))
        fail(f"the second parameter group of {what} should hold every parameter of the model "
             f"that is not in the encoder (hidden and output); {missing} are missing.")
    frozen = [name for name, p in model.named_parameters() if not p.requires_grad]
    if frozen:
        fail(f"after {what}, {len(frozen)} parameter(s) no longer require gradients (e.g. "
             f"{frozen[0]}); fine-tuning trains every parameter, so freeze nothing.")


# ---------------------------------------------------------------- fine_tune

def _fine_tune_setup(rng, backbone_lr=0.02, head_lr=0.05, dtype=torch.float64):
    model = _Classifier(_small_encoder(rng, dtype), 16, NUM_CLASSES).to(dtype)
    return model, _optimizer(model, backbone_lr, head_lr)


def _expected_run(model, batches, num_epochs, device, backward):
    """The specified training run from a copy of ``model``: (epoch losses, trained copy).

    ``backward`` is "mean" (backpropagate the batch's mean loss) or "sum" (its sum, as d2l's
    train_batch_ch13 does); both are accepted, and they give different runs with Adam when
    batch sizes differ.
    """
    model = copy.deepcopy(model)
    opt = _optimizer(model, 0.02, 0.05)
    losses = []
    for _ in range(num_epochs):
        model.train()
        total, count = 0.0, 0
        for X, y in batches:
            X, y = [x.to(device) for x in X], y.to(device)
            l = nn.functional.cross_entropy(model(*X), y, reduction="none")
            opt.zero_grad()
            (l.mean() if backward == "mean" else l.sum()).backward()
            opt.step()
            total += float(l.detach().sum())
            count += len(y)
        losses.append(total / count)
    return losses, model


@pytest.mark.points(3)
def test_fine_tune_returns_per_example_mean_losses(sub, device, rng):
    batches = _uneven_batches(rng)
    model, opt = _fine_tune_setup(rng)
    model.to(device)
    runs = [_expected_run(model, batches, 3, device, b) for b in ("mean", "sum")]
    num_epochs = 3
    losses = sub.fine_tune(model, batches, opt, num_epochs, device)
    what = f"fine_tune(model, batches, optimizer, {num_epochs}, device)"
    if not isinstance(losses, (list, tuple)) or len(losses) != num_epochs:
        fail(f"{what} returned {type(losses).__name__}"
             + (f" of length {len(losses)}" if isinstance(losses, (list, tuple)) else "")
             + f"; return a list with one mean loss per epoch ({num_epochs}).")
    values = [assert_number(v, 0.0, what=f"the loss {what} returned for epoch {i + 1}",
                            rel=float("inf"), abs_tol=float("inf")) for i, v in enumerate(losses)]

    def error(run):
        return max(abs(v - w) / max(abs(w), 1e-12) for v, w in zip(values, run[0]))

    expected, expected_model = min(runs, key=error)
    for epoch, (got, want) in enumerate(zip(values, expected)):
        assert_number(got, want, what=f"the loss {what} returned for epoch {epoch + 1}",
                      why="each epoch's loss is the sum of every example's cross-entropy divided "
                          "by the number of examples (batches have different sizes here), "
                          "computed with the model being trained, one optimizer step per batch "
                          "after clearing the old gradients.", rel=1e-4, abs_tol=1e-7)
    for (name, p), q in zip(model.named_parameters(), expected_model.parameters()):
        assert_close(p.detach(), q.detach(), what=f"parameter {name} after {what}",
                     why="the same data and optimizer must give the same training run: one "
                         "zero_grad/backward/step per batch, num_epochs passes.",
                     rtol=1e-3, atol=1e-5)
    none = sub.fine_tune(copy.deepcopy(model), batches, _optimizer(model, 0.0, 0.0), 0,
                         device)
    if not isinstance(none, (list, tuple)) or len(none) != 0:
        fail("fine_tune(..., num_epochs=0, ...) should return an empty list.")


def test_fine_tune_trains_in_training_mode(sub, device, rng):
    batches = _uneven_batches(rng, sizes=(4, 6, 3))
    recorder = _Recorder(_small_encoder(rng))
    model = _Classifier(recorder, 16, NUM_CLASSES).to(device)
    opt = _optimizer(model, 0.01, 0.01)
    model.eval()
    sub.fine_tune(model, batches, opt, 2, device)
    training = [flag for flag, grad in recorder.flags if grad]
    if len(training) < 2 * len(batches):
        fail(f"fine_tune ran {len(training)} forward passes with gradients for 2 epochs of "
             f"{len(batches)} batches; each batch of each epoch needs one.")
    if not all(training):
        fail("fine_tune ran forward passes for training while the model was in eval mode; "
             "call model.train() first (the model given to fine_tune may be in eval mode).")


@pytest.mark.points(2)
def test_fine_tune_updates_every_parameter(sub, device, rng):
    batches = _uneven_batches(rng, sizes=(8, 8))
    model, opt = _fine_tune_setup(rng, 0.01, 0.01, torch.float32)
    model.to(device)
    before = {name: p.detach().clone() for name, p in model.named_parameters()}
    sub.fine_tune(model, batches, opt, 1, device)
    for name, p in model.named_parameters():
        if torch.equal(p.detach(), before[name]):
            fail(f"after one epoch of fine_tune, parameter {name} has not changed. Fine-tuning "
                 "updates every parameter, the pretrained encoder's too: nothing is frozen, "
                 "and each step uses the gradients of the current batch.")


@pytest.mark.points(2)
def test_fine_tune_uses_the_given_optimizer(sub, device, rng):
    batches = _uneven_batches(rng, sizes=(8, 8))
    model, opt = _fine_tune_setup(rng, 0.0, 0.05, torch.float32)
    model.to(device)
    before = {name: p.detach().clone() for name, p in model.named_parameters()}
    sub.fine_tune(model, batches, opt, 1, device)
    for name, p in model.encoder.named_parameters():
        if not torch.equal(p.detach(), before["encoder." + name]):
            fail("fine_tune changed the encoder although the optimizer it was given has "
                 f"learning rate 0 for the encoder (encoder.{name} moved). Train with the "
                 "optimizer that was passed in; do not build another one.")
    for name in ("output.weight", "hidden.0.weight"):
        if torch.equal(dict(model.named_parameters())[name].detach(), before[name]):
            fail(f"fine_tune did not change {name} with the optimizer it was given; call "
                 "optimizer.step() after each backward pass.")


class _Tracked(torch.Tensor):
    """A CPU tensor that notes every .to()/.cuda() call (which returns a plain tensor)."""

    moves: list = []

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if func in (torch.Tensor.to, torch.Tensor.cuda) and args and isinstance(args[0], cls):
            if func is torch.Tensor.to:
                target = torch._C._nn._parse_to(*args[1:], **kwargs)[0]
            else:
                target = torch.device("cuda")
            with torch._C.DisableTorchFunctionSubclass():
                out = func(*args, **kwargs)
            cls.moves.append((id(args[0]), target))
            return out.as_subclass(torch.Tensor) if isinstance(out, torch.Tensor) else out
        return super().__torch_function__(func, types, args, kwargs)


def test_fine_tune_moves_batches_to_device(sub, device, rng):
    plain = _uneven_batches(rng, sizes=(5, 4))
    batches = [(tuple(x.as_subclass(_Tracked) for x in X), y.as_subclass(_Tracked))
               for X, y in plain]
    model, opt = _fine_tune_setup(rng, 0.01, 0.01, torch.float32)
    model.to(device)
    _Tracked.moves = []
    sub.fine_tune(model, batches, opt, 1, device)
    moved = {}
    for key, target in _Tracked.moves:
        if target is not None:
            moved.setdefault(key, []).append(torch.device(target).type)
    names = ("tokens", "segments", "valid_lens", "y")
    for X, y in batches:
        for name, tensor in zip(names, (*X, y)):
            if device.type not in moved.get(id(tensor), []):
                fail(f"fine_tune did not move `{name}` of a batch to the device with "
                     f"{name}.to(device); move the three inputs and the labels of every batch "
                     "(on a GPU, data left on the CPU would not meet the model).")


# ---------------------------------------------------------------- end to end

@pytest.mark.points(4)
def test_end_to_end_fine_tuning_from_pretrained_weights(sub, device, seed):
    encoder, vocab = load_pretrained_encoder()
    gen = torch.Generator().manual_seed(seed)
    train = load_pair_dataset("train")[:E2E_TRAIN_PAIRS]
    train_iter = make_pair_batches(train, vocab, E2E_BATCH_SIZE, sub.get_tokens_and_segments,
                                   shuffle=True, generator=gen)
    test_iter = make_pair_batches(load_pair_dataset("test"), vocab, 250,
                                  sub.get_tokens_and_segments)
    model = sub.BERTClassifier(encoder, D, NUM_CLASSES).to(device)
    optimizer = sub.make_optimizer(model, E2E_BACKBONE_LR, E2E_HEAD_LR)
    sub.fine_tune(model, train_iter, optimizer, E2E_EPOCHS, device)
    accuracy = evaluate_accuracy(model, test_iter, device)
    if accuracy < E2E_MIN_ACCURACY:
        fail(f"fine-tuning the pretrained BERT with your four functions ({E2E_EPOCHS} epochs "
             f"over {len(train)} labelled pairs, backbone_lr={E2E_BACKBONE_LR:g}, "
             f"head_lr={E2E_HEAD_LR:g}) reached {accuracy:.1%} accuracy on the test pairs; a "
             f"correct pipeline reaches well over {E2E_MIN_ACCURACY:.0%} (chance is "
             f"{1 / NUM_CLASSES:.0%}).")
