"""Hidden checks for exercises/bert/fine_tuning.py (fine-tuning a small pretrained BERT).

Everything the learner's code is given (encoders, a probe model and a one-group optimizer
for fine_tune, batches) is built in the sandbox by :mod:`grader.sandbox.fixtures.bert`, which
holds no answer: batches are encoded here with the reference and sent by value. The checker
builds the same objects locally from the same code and seeds to compute what to expect, and
reads the learner's results by value.
"""

import copy

import pytest
import torch
from torch import nn

from grader.asserts import assert_close, assert_number, assert_tensor, fail, is_tensor
from grader.pretrained import (CONFIG, NUM_CLASSES, load_pair_dataset, load_pretrained_encoder,
                               load_vocab)
from grader.sandbox.fixtures import bert as fx
from grader.sandbox.host import (Handle, LearnerError, deepcopy, is_instance, make, type_info,
                                  vjp)

D = CONFIG["num_hiddens"]
FX = "grader.sandbox.fixtures.bert:"
LINEAR = "torch.nn.modules.linear.Linear"

# The end-to-end run (benchmarks/bert_pretraining_gain.py uses the same settings and prints
# the accuracies it reaches from pretrained and from random weights over many seeds).
E2E_TRAIN_PAIRS, E2E_BATCH_SIZE, E2E_EPOCHS, E2E_BACKBONE_LR, E2E_HEAD_LR = 500, 32, 2, 1e-3, 3e-3
E2E_MIN_ACCURACY = 0.8


# ---------------------------------------------------------------- helpers

# The checks build the learner's inputs, models and optimizers with the public fixtures
# (which hold no answer) and encode sentence pairs here with the reference; the same fixture
# code run here says what to expect.

def _seed(rng):
    return int(torch.randint(0, 2**31 - 2, (1,), generator=rng))


def _words(rng, n):
    vocab = load_vocab()
    specials = sum(1 for t in vocab.idx_to_token if t.startswith("<"))
    idx = torch.randint(specials, len(vocab), (n,), generator=rng).tolist()
    return [vocab.idx_to_token[i] for i in idx]


def _ref():
    from grader.plugin import CONTEXT

    return CONTEXT["ref"]


def _real_batch(rng, n=12):
    return fx.encode_pairs(fx.sample_pairs(_seed(rng), n, "test"), load_vocab(),
                           _ref().get_tokens_and_segments)


def _text(value, limit=300):
    """Text that came from the sandbox, safe to show (ASCII, escapes for anything else)."""
    return str(value)[:limit].encode("ascii", "backslashreplace").decode("ascii") \
        if isinstance(value, str) else "?"


def _describe(sub, module):
    if not isinstance(module, Handle):
        return type(module).__name__
    return _text(make(sub, FX + "describe", module))


def _linear(handle):
    """(weight, bias) of a Linear layer in the sandbox, by value (bias zeros when absent)."""
    weight = handle.weight.detach()
    bias = handle.bias
    bias = torch.zeros(weight.shape[0], dtype=weight.dtype, device=weight.device) \
        if bias is None else bias.detach()
    return weight, bias


def _head(sub, model, num_hiddens, num_classes, what):
    """(hidden Linear, output Linear) handles of a classifier, after checking the attributes."""
    if not is_instance(model, "torch.nn.Module"):
        fail(f"{what} must be an nn.Module.")
    for name in ("encoder", "hidden", "output"):
        if not is_instance(getattr(model, name, None), "torch.nn.Module"):
            fail(f"{what} has no nn.Module attribute `{name}`; keep the attribute names "
                 "encoder, hidden and output from the stub.")
    output, hidden = model.output, model.hidden
    if not is_instance(output, LINEAR) or (output.in_features, output.out_features) != (
            num_hiddens, num_classes):
        fail(f"{what}.output should be nn.Linear({num_hiddens}, {num_classes}) (num_hiddens to "
             f"num_classes), got {_describe(sub, output)}.")
    linears = [m for m in hidden.modules() if is_instance(m, LINEAR)]
    if len(linears) != 1 or (linears[0].in_features, linears[0].out_features) != (
            num_hiddens, num_hiddens):
        fail(f"{what}.hidden should hold exactly one nn.Linear({num_hiddens}, {num_hiddens}) "
             f"(followed by Tanh), got {_describe(sub, hidden)}.")
    if len(list(hidden.parameters())) != len(list(linears[0].parameters())):
        fail(f"{what}.hidden has parameters besides its Linear layer; it is Linear then Tanh.")
    return linears[0], output


def _check_tokens(sub, tokens_a, tokens_b, single):
    if single:
        what = f"get_tokens_and_segments({tokens_a})"
    else:
        what = f"get_tokens_and_segments({tokens_a}, {tokens_b})"
    probe = make(sub, FX + "tokens_probe", list(tokens_a),
                 None if tokens_b is None else list(tokens_b), single)
    report = probe.run(sub.get_tokens_and_segments)
    result, kinds = report["result"], _text(report.get("types"))
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        fail(f"{what} returned {kinds}; return a tuple (tokens, segments).")
    tokens, segments = result
    if not isinstance(tokens, list) or not isinstance(segments, list):
        fail(f"{what} returned {kinds}; both tokens and segments must be Python lists.")
    want_tokens, want_segments = _ref().get_tokens_and_segments(list(tokens_a), tokens_b)
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
    if report["changed_input"]:
        fail(f"{what} modified its input lists; build new lists instead.")
    if report["tokens_is_input"]:
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
    pair = make(sub, FX + "tokens_probe", a, b).run(sub.get_tokens_and_segments)
    if pair["changed_input"]:
        fail("get_tokens_and_segments(tokens_a, tokens_b) modified tokens_a or tokens_b; the "
             "caller still needs the sentences (build new lists).")
    if pair["shares_input"]:
        fail("the tokens list returned by get_tokens_and_segments shares storage with an "
             "input list; return a new list.")
    single = make(sub, FX + "tokens_probe", a, None, True).run(sub.get_tokens_and_segments)
    if single["changed_input"]:
        fail("get_tokens_and_segments(tokens_a) modified tokens_a.")
    if single["tokens_is_input"]:
        fail("get_tokens_and_segments(tokens_a) returned tokens_a itself; return a new list.")


# ---------------------------------------------------------------- BERTClassifier

@pytest.mark.points(2)
def test_classifier_keeps_the_given_encoder_and_head_shapes(sub, rng):
    Z = torch.randn(3, 5, 16, generator=rng)
    encoder = make(sub, FX + "fixed_encoder", Z)
    model = sub.BERTClassifier(encoder, 16, 5)
    if not is_instance(model, "torch.nn.Module"):
        fail("BERTClassifier(...) must be an nn.Module.")
    _head(sub, model, 16, 5, "BERTClassifier(encoder, 16, 5)")
    if not make(sub, FX + "same_object", model.encoder, encoder):
        fail("BERTClassifier(encoder, ...).encoder is not the encoder that was passed in. "
             "Fine-tuning starts from the pretrained parameters: keep the given encoder object "
             "itself (no copy, no new encoder).")
    if make(sub, FX + "missing_parameters", model, encoder):
        fail("the encoder's parameters are not among BERTClassifier(...).parameters(); "
             "register the encoder as a submodule (self.encoder = encoder).")
    encoder2 = make(sub, FX + "pretrained_encoder")
    model2 = sub.BERTClassifier(encoder2, D, NUM_CLASSES)
    _head(sub, model2, D, NUM_CLASSES, f"BERTClassifier(pretrained encoder, {D}, {NUM_CLASSES})")
    if not make(sub, FX + "same_object", model2.encoder, encoder2):
        fail("BERTClassifier(pretrained encoder, ...).encoder is not the pretrained encoder "
             "that was passed in; keep that very object.")


def test_classifier_hidden_is_linear_then_tanh(sub, rng):
    model = sub.BERTClassifier(make(sub, FX + "fixed_encoder", torch.zeros(2, 3, 8)), 8, 3)
    linear, _ = _head(sub, model, 8, 3, "BERTClassifier(encoder, 8, 3)")
    X = torch.randn(6, 8, generator=rng) * 3
    got = model.hidden(X)
    W, b = _linear(linear)
    want = torch.tanh(X @ W.T + b)
    assert_close(got, want, what="BERTClassifier(...).hidden(X)",
                 why="BERT's pooler is a Linear layer followed by tanh.", rtol=1e-5, atol=1e-6)


@pytest.mark.points(2)
def test_classifier_logits_come_from_the_cls_vector(sub, device, rng):
    batch, steps, d, classes = 4, 7, 16, 3
    Z = (torch.randn(batch, steps, d, generator=rng) * 2).to(device)
    encoder = make(sub, FX + "fixed_encoder", Z)
    model = sub.BERTClassifier(encoder, d, classes).to(device)
    linear, output = _head(sub, model, d, classes, f"BERTClassifier(encoder, {d}, {classes})")
    tokens = torch.randint(5, 50, (batch, steps), generator=rng).to(device)
    segments = torch.zeros(batch, steps, dtype=torch.long).to(device)
    valid_lens = torch.tensor([7, 5, 6, 3]).to(device)
    model.eval()
    logits = model(tokens, segments, valid_lens)
    (W1, b1), (W2, b2) = _linear(linear), _linear(output)
    want = nn.functional.linear(torch.tanh(nn.functional.linear(Z[:, 0], W1, b1)), W2, b2)
    assert_close(logits, want, what="BERTClassifier(...)(tokens, segments, valid_lens)",
                 why="the logits are output(hidden(encoded_X[:, 0, :])): only the encoder's "
                     "vector at position 0 (<cls>) is used, through hidden (Linear + Tanh) "
                     "and output.", rtol=1e-5, atol=1e-5)
    Z = Z.clone()
    Z[:, 1:] = torch.randn(batch, steps - 1, d, generator=rng).to(device) * 2
    encoder.Z = Z
    other = model(tokens, segments, valid_lens)
    assert_close(other, logits, what="the logits after changing the encoder's output at "
                 "positions 1..num_steps-1", why="the classifier must read only position 0 "
                 "(<cls>), whose representation summarizes the pair.", rtol=1e-5, atol=1e-5)
    Z = Z.clone()
    Z[:, 0] = torch.randn(batch, d, generator=rng).to(device) * 2
    encoder.Z = Z
    moved = model(tokens, segments, valid_lens)
    assert_tensor(moved, what="BERTClassifier(...)(...)", shape=(batch, classes))
    if bool(torch.isclose(moved, logits, atol=1e-4).all()):
        fail("changing the encoder's output at position 0 (<cls>) did not change the logits; "
             "the classifier must be computed from that vector.")


def test_classifier_passes_its_inputs_to_the_encoder(sub, rng):
    Z = torch.randn(3, 6, 8, generator=rng)
    encoder = make(sub, FX + "fixed_encoder", Z)
    model = sub.BERTClassifier(encoder, 8, 2)
    tokens = torch.randint(5, 50, (3, 6), generator=rng)
    segments = torch.randint(0, 2, (3, 6), generator=rng)
    valid_lens = torch.tensor([6, 4, 5])
    model(tokens, segments, valid_lens)
    calls = encoder.calls
    if len(calls) != 1:
        fail(f"one forward pass of BERTClassifier called the encoder {len(calls)} "
             "times; call it once.")
    got = calls[0]
    for position, (name, value, want) in enumerate(zip(
            ("tokens", "segments", "valid_lens"), got, (tokens, segments, valid_lens))):
        if not is_tensor(value) or value.shape != want.shape or not torch.equal(value, want):
            fail(f"BERTClassifier.forward did not pass `{name}` on to the encoder unchanged as "
                 f"argument {position + 1} of encoder(tokens, segments, valid_lens). Without "
                 "valid_lens the encoder would attend to padding.")


@pytest.mark.points(2)
def test_classifier_matches_reference_on_the_pretrained_encoder(sub, device, rng):
    encoder = make(sub, FX + "pretrained_encoder", device, True)
    model = sub.BERTClassifier(encoder, D, NUM_CLASSES).to(device)
    linear, output = _head(sub, model, D, NUM_CLASSES,
                           f"BERTClassifier(encoder, {D}, {NUM_CLASSES})")
    local, _ = load_pretrained_encoder()
    expected_model = _ref().BERTClassifier(local, D, NUM_CLASSES).to(device).eval()
    with torch.no_grad():
        for mine, theirs in ((expected_model.hidden[0], linear), (expected_model.output, output)):
            weight, bias = _linear(theirs)
            mine.weight.copy_(weight)
            mine.bias.copy_(bias)
    X, _ = _real_batch(rng)
    X = [x.to(device) for x in X]
    model.eval()
    logits = model(*X)
    with torch.no_grad():
        want = expected_model(*X)
    assert_close(logits, want, what="BERTClassifier(pretrained encoder, ...)(tokens, segments, "
                 "valid_lens)", why="with the same weights, the logits must be "
                 "output(hidden(encoder(tokens, segments, valid_lens)[:, 0, :])).",
                 rtol=1e-4, atol=1e-5)


@pytest.mark.points(2)
def test_classifier_ignores_padding(sub, device, rng):
    encoder = make(sub, FX + "pretrained_encoder", device, True)
    model = sub.BERTClassifier(encoder, D, NUM_CLASSES).to(device)
    model.eval()
    vocab = load_vocab()
    (tokens, segments, valid_lens), _ = _real_batch(rng)
    batch, steps = tokens.shape
    extra = 4
    noisy_tokens = torch.randint(5, len(vocab), (batch, steps + extra), generator=rng)
    noisy_segments = torch.randint(0, 2, (batch, steps + extra), generator=rng)
    inside = torch.arange(steps + extra)[None, :] < valid_lens[:, None]
    noisy_tokens[:, :steps] = torch.where(inside[:, :steps], tokens, noisy_tokens[:, :steps])
    noisy_segments[:, :steps] = torch.where(inside[:, :steps], segments,
                                            noisy_segments[:, :steps])
    clean = model(tokens.to(device), segments.to(device), valid_lens.to(device))
    noisy = model(noisy_tokens.to(device), noisy_segments.to(device), valid_lens.to(device))
    assert_tensor(clean, what="BERTClassifier(...)(tokens, segments, valid_lens)",
                  shape=(batch, NUM_CLASSES))
    assert_close(noisy, clean.detach(), what="the logits of a batch whose padding (the "
                 "positions at and beyond valid_lens) was filled with other tokens",
                 why="padding must not change a prediction: pass valid_lens to the encoder so "
                     "that attention ignores the padded positions.", rtol=1e-4, atol=1e-5)


def test_classifier_gradients_reach_the_encoder(sub, rng):
    seed = _seed(rng)
    encoder = make(sub, FX + "small_encoder", seed)
    model = sub.BERTClassifier(encoder, 16, 3)
    X, _ = _real_batch(rng, n=6)
    model.train()
    result = vjp(model, *X, wrt=[], cotangent_seed=seed, params=True)
    assert_tensor(result.out, what="BERTClassifier(...)(tokens, segments, valid_lens)",
                  shape=(6, 3))
    if not result.out.requires_grad:
        fail("the logits of BERTClassifier(...) are not connected to the autograd graph; do "
             "not detach them or compute them under torch.no_grad().")
    grads = result.params
    for name, _ in fx.small_encoder(seed).named_parameters():
        grad = grads.get("encoder." + name)
        if grad is None or not bool(grad.abs().sum() > 0):
            fail(f"after backward through BERTClassifier, the encoder parameter {name} got no "
                 "gradient. Fine-tuning trains the encoder too: do not detach its output or "
                 "run it under torch.no_grad().")
    for part in ("hidden", "output"):
        names = [n for n in grads if n.startswith(part + ".")]
        if not names or any(grads[n] is None for n in names):
            fail(f"the parameters of `{part}` got no gradient from the logits.")


# ---------------------------------------------------------------- make_optimizer

def _optimizer_model(sub, rng):
    return make(sub, FX + "small_model", _seed(rng), 3)


@pytest.mark.points(2)
def test_optimizer_is_adam_with_two_learning_rates(sub, rng):
    model = _optimizer_model(sub, rng)
    backbone_lr = float(torch.empty(()).uniform_(1e-5, 5e-4, generator=rng))
    head_lr = float(torch.empty(()).uniform_(1e-3, 1e-2, generator=rng))
    opt = sub.make_optimizer(model, backbone_lr, head_lr)
    what = f"make_optimizer(model, {backbone_lr:.3g}, {head_lr:.3g})"
    kind = type_info(opt).get("type", "") if isinstance(opt, Handle) else type(opt).__name__
    if kind != "torch.optim.adam.Adam":
        fail(f"{what} returned {kind.rsplit('.', 1)[-1]}; the exercise asks for plain "
             "torch.optim.Adam.")
    groups = make(sub, FX + "param_groups", opt, model)
    if len(groups) != 2:
        fail(f"{what} has {len(groups)} parameter group(s); it needs two: the "
             "pretrained encoder with the small rate, the new head with the larger one.")
    for index, (name, want) in enumerate((("backbone_lr", backbone_lr), ("head_lr", head_lr))):
        assert_number(groups[index]["lr"], want,
                      what=f"the learning rate of parameter group {index} of {what}",
                      why=f"group {index} must use {name} (first the encoder, then the head).")
    for index, group in enumerate(groups):
        if group["weight_decay"] != 0:
            fail(f"parameter group {index} of {what} has weight decay; use plain Adam.")


@pytest.mark.points(2)
def test_optimizer_groups_split_encoder_from_head(sub, rng):
    model = _optimizer_model(sub, rng)
    opt = sub.make_optimizer(model, 1e-4, 1e-3)
    what = "make_optimizer(model, 1e-4, 1e-3)"
    groups = make(sub, FX + "param_groups", opt, model) if isinstance(opt, Handle) else []
    if len(groups) != 2:
        fail(f"{what} must return an optimizer with two parameter groups.")
    # The model's names of the tensors in each group; None for one that is not a
    # parameter of the model (a stray).
    first, second = groups[0]["names"], groups[1]["names"]
    params = list(model.named_parameters())
    encoder_names = {name for name, _ in params if name.startswith("encoder.")}
    other_names = {name for name, _ in params if not name.startswith("encoder.")}
    named_first = [name for name in first if name is not None]
    named_second = [name for name in second if name is not None]
    if len(set(named_first)) != len(named_first) or \
            len(set(named_second)) != len(named_second) or set(named_first) & set(named_second):
        fail(f"{what} lists some parameter more than once; each parameter belongs to exactly "
             "one group.")
    if set(first) != encoder_names:
        missing = len(encoder_names - set(first))
        stray = sum(1 for name in first if name not in encoder_names)
        fail(f"the first parameter group of {what} should be exactly model.encoder's "
             f"parameters; {missing} encoder parameter(s) are missing from it and {stray} "
             "other parameter(s) are in it. The pretrained encoder gets backbone_lr.")
    if set(second) != other_names:
        missing = len(other_names - set(second))
        stray = sum(1 for name in second if name not in other_names)
        fail(f"the second parameter group of {what} should hold every parameter of the model "
             f"that is not in the encoder (the new head); {missing} are missing"
             + (f" and {stray} other tensor(s) are in it." if stray else "."))
    frozen = [name for name, p in params if not p.requires_grad]
    if frozen:
        fail(f"after {what}, {len(frozen)} parameter(s) no longer require gradients (e.g. "
             f"{frozen[0]}); fine-tuning trains every parameter, so freeze nothing.")


# ---------------------------------------------------------------- fine_tune

FT_LR = 0.03


def _fine_tune_setup(sub, rng, lr=FT_LR, dtype="float64", record=False, part="all"):
    """(model, optimizer) handles built in the sandbox, and the same model built here.

    The model is the fixtures' probe model (encoder, then a linear head over the mean of its
    outputs), the optimizer a one-group Adam over all of its parameters or only its head's.
    """
    seed = _seed(rng)
    model = make(sub, FX + "small_model", seed, NUM_CLASSES, dtype, record)
    opt = make(sub, FX + "optimizer", model, lr, part)
    return model, opt, fx.small_model(seed, NUM_CLASSES, dtype, record)


def _batches(sub, rng, sizes, kind="uneven_batches", **kwargs):
    """Batches built in the sandbox (a handle) and the same batches built here.

    ``kind="loader_batches"`` is a real torch DataLoader (lists, as d2l's SNLI loader
    yields); the others are lists of batches in ``layout`` "list" (the default, what a
    DataLoader yields) or "tuple" (d2l's dataset items uncollated).
    """
    seed = _seed(rng)
    pairs = fx.sample_pairs(seed, sum(sizes))
    tokens_fn = _ref().get_tokens_and_segments
    if kind == "loader_batches":
        encoded = fx.encode_pairs(pairs, load_vocab(), tokens_fn, CONFIG["max_len"])
        return (make(sub, FX + kind, encoded, list(sizes), seed),
                fx.loader_batch_list(encoded, sizes, seed))
    local = fx.batch_list(pairs, sizes, tokens_fn, **kwargs)
    return make(sub, FX + kind, local), local


class _Adam:
    """``torch.optim.Adam`` over parameter groups (default betas and eps, no weight decay),
    written out: building a torch optimizer in the checker would import torch._dynamo (1-2 s)
    for what is the same arithmetic as torch's single-tensor Adam."""

    def __init__(self, groups, betas=(0.9, 0.999), eps=1e-8):
        self.groups = [(list(params), lr) for params, lr in groups]
        self.betas, self.eps = betas, eps
        self.state = {}

    def zero_grad(self):
        for params, _ in self.groups:
            for p in params:
                p.grad = None

    @torch.no_grad()
    def step(self):
        beta1, beta2 = self.betas
        for params, lr in self.groups:
            for p in params:
                if p.grad is None:
                    continue
                step, m, v = self.state.get(id(p), (0, torch.zeros_like(p), torch.zeros_like(p)))
                step += 1
                m.lerp_(p.grad, 1 - beta1)
                v.mul_(beta2).addcmul_(p.grad, p.grad, value=1 - beta2)
                denom = (v.sqrt() / (1 - beta2 ** step) ** 0.5).add_(self.eps)
                p.addcdiv_(m, denom, value=-lr / (1 - beta1 ** step))
                self.state[id(p)] = (step, m, v)


def _expected_run(model, batches, num_epochs, device, backward):
    """The specified training run from a copy of ``model``: (epoch losses, trained copy).

    ``backward`` is "mean" (backpropagate the batch's mean loss) or "sum" (its sum, as d2l's
    train_batch_ch13 does); both are accepted, and they give different runs with Adam when
    batch sizes differ.
    """
    model = copy.deepcopy(model)
    opt = _Adam([(list(model.parameters()), FT_LR)])
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


def _parameters(model):
    """``{name: tensor}`` of a model in the sandbox, by value."""
    return {name: p.detach() for name, p in model.named_parameters()}


@pytest.mark.points(3)
def test_fine_tune_returns_per_example_mean_losses(sub, device, rng):
    batches, local_batches = _batches(sub, rng, (7, 3, 12, 1, 5), kind="loader_batches")
    model, opt, local = _fine_tune_setup(sub, rng)
    model.to(device)
    local.to(device)
    num_epochs = 3
    runs = [_expected_run(local, local_batches, num_epochs, device, b) for b in ("mean", "sum")]
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
    trained = _parameters(model)
    for name, q in expected_model.named_parameters():
        assert_close(trained.get(name), q.detach(), what=f"parameter {name} after {what}",
                     why="the same data and optimizer must give the same training run: one "
                         "zero_grad/backward/step per batch, num_epochs passes.",
                     rtol=1e-3, atol=1e-5)
    again = deepcopy(model)
    none = sub.fine_tune(again, batches, make(sub, FX + "optimizer", again, 0.0), 0, device)
    if not isinstance(none, (list, tuple)) or len(none) != 0:
        fail("fine_tune(..., num_epochs=0, ...) should return an empty list.")


def test_fine_tune_trains_in_training_mode(sub, device, rng):
    batches, _ = _batches(sub, rng, (4, 6, 3))
    model, opt, _ = _fine_tune_setup(sub, rng, 0.01, "float32", record=True)
    model.to(device)
    model.eval()
    sub.fine_tune(model, batches, opt, 2, device)
    training = [flag for flag, grad in model.encoder.flags if grad]
    if len(training) < 2 * len(batches):
        fail(f"fine_tune ran {len(training)} forward passes with gradients for 2 epochs of "
             f"{len(batches)} batches; each batch of each epoch needs one.")
    if not all(training):
        fail("fine_tune ran forward passes for training while the model was in eval mode; "
             "call model.train() first (the model given to fine_tune may be in eval mode).")


@pytest.mark.points(2)
def test_fine_tune_updates_every_parameter(sub, device, rng):
    batches, _ = _batches(sub, rng, (8, 8))
    model, opt, _ = _fine_tune_setup(sub, rng, 0.01, "float32")
    model.to(device)
    before = _parameters(model)
    sub.fine_tune(model, batches, opt, 1, device)
    after = _parameters(model)
    for name, p in before.items():
        if torch.equal(after[name], p):
            fail(f"after one epoch of fine_tune, parameter {name} has not changed. Fine-tuning "
                 "updates every parameter, the pretrained encoder's too: nothing is frozen, "
                 "and each step uses the gradients of the current batch.")


@pytest.mark.points(2)
def test_fine_tune_uses_the_given_optimizer(sub, device, rng):
    batches, _ = _batches(sub, rng, (8, 8))
    model, opt, _ = _fine_tune_setup(sub, rng, 0.05, "float32", part="head")
    model.to(device)
    before = _parameters(model)
    sub.fine_tune(model, batches, opt, 1, device)
    after = _parameters(model)
    for name, p in before.items():
        if name.startswith("encoder.") and not torch.equal(after[name], p):
            fail("fine_tune changed the encoder although the optimizer it was given holds only "
                 f"the head's parameters ({name} moved). Train with the optimizer that was "
                 "passed in; do not build another one.")
    for name in ("head.weight", "head.bias"):
        if torch.equal(after[name], before[name]):
            fail(f"fine_tune did not change {name} with the optimizer it was given; call "
                 "optimizer.step() after each backward pass.")


def test_fine_tune_accepts_list_and_tuple_batches(sub, device, rng):
    for layout in ("list", "tuple"):
        batches, _ = _batches(sub, rng, (4, 3), layout=layout)
        model, opt, _ = _fine_tune_setup(sub, rng, 0.01, "float32")
        model.to(device)
        if layout == "list":
            # A failure here is not about the layout: it fails like any other check.
            sub.fine_tune(model, batches, opt, 1, device)
            continue
        try:
            sub.fine_tune(model, batches, opt, 1, device)
        except LearnerError as exc:
            if isinstance(exc, NotImplementedError):
                raise
            fail("fine_tune worked on batches [[tokens, segments, valid_lens], y] (lists, what "
                 f"a DataLoader yields) but raised {_text(exc.remote_type, 60)}: "
                 f"{_text(str(exc), 200)} on the same batches written with tuples, "
                 "((tokens, segments, valid_lens), y). Accept both: move each of the three "
                 "inputs whatever sequence holds them (e.g. [x.to(device) for x in X]); d2l's "
                 "train_batch_ch13 does that only when isinstance(X, list) and calls "
                 "X.to(device) otherwise.")


def test_fine_tune_moves_batches_to_device(sub, device, rng):
    batches, _ = _batches(sub, rng, (5, 4), kind="tracked_batches")
    model, opt, _ = _fine_tune_setup(sub, rng, 0.01, "float32")
    model.to(device)
    sub.fine_tune(model, batches, opt, 1, device)
    for moved in batches.moved():
        for name, targets in moved.items():
            if device.type not in targets:
                fail(f"fine_tune did not move `{name}` of a batch to the device with "
                     f"{name}.to(device); move the three inputs and the labels of every batch "
                     "(on a GPU, data left on the CPU would not meet the model).")


# ---------------------------------------------------------------- end to end

@pytest.mark.points(4)
def test_end_to_end_fine_tuning_from_pretrained_weights(sub, device, seed):
    encoder = make(sub, FX + "pretrained_encoder")
    train_iter = make(sub, FX + "pair_batches", "train", E2E_TRAIN_PAIRS, E2E_BATCH_SIZE,
                      sub.get_tokens_and_segments, shuffle=True, seed=seed)
    model = sub.BERTClassifier(encoder, D, NUM_CLASSES).to(device)
    optimizer = sub.make_optimizer(model, E2E_BACKBONE_LR, E2E_HEAD_LR)
    sub.fine_tune(model, train_iter, optimizer, E2E_EPOCHS, device)
    # The test pairs as the learner's get_tokens_and_segments encodes them (in the sandbox),
    # the predictions by value, and the accuracy against the labels read here.
    test_batches = make(sub, FX + "pair_batch_data", "test", 250, sub.get_tokens_and_segments)
    labels = torch.tensor([label for _, _, label in load_pair_dataset("test")])
    sizes = [len(X[0]) for X, _ in test_batches]
    if sum(sizes) != len(labels):
        fail("the test pairs could not be encoded with your get_tokens_and_segments (a batch "
             "lost pairs).")
    model.eval()
    correct, start = 0, 0
    for (X, _), size in zip(test_batches, sizes):
        logits = model(*[x.to(device) for x in X])
        assert_tensor(logits, what="BERTClassifier(...)(tokens, segments, valid_lens) on a "
                      "batch of test pairs", shape=(size, NUM_CLASSES))
        predictions = logits.detach().argmax(dim=-1).cpu()
        correct += int((predictions == labels[start:start + size]).sum())
        start += size
    accuracy = correct / len(labels)
    if accuracy < E2E_MIN_ACCURACY:
        fail(f"fine-tuning the pretrained BERT with your four functions ({E2E_EPOCHS} epochs "
             f"over {E2E_TRAIN_PAIRS} labelled pairs, backbone_lr={E2E_BACKBONE_LR:g}, "
             f"head_lr={E2E_HEAD_LR:g}) reached {accuracy:.1%} accuracy on the test pairs; a "
             f"correct pipeline reaches well over {E2E_MIN_ACCURACY:.0%} (chance is "
             f"{1 / NUM_CLASSES:.0%}).")

