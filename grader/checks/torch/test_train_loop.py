"""Hidden checks for exercises/torch/train_loop.py (accuracy, evaluation, one training epoch,
saving and loading parameters).

The nets, batches, loss and optimizer the learner's functions receive are built in the
sandbox by :class:`grader.sandbox.fixtures.training.TrainSetup`; the checker builds the same
from the same seed and runs the reference on its copy. Training is judged from what comes
back by value: the net's parameters and buffers after the epoch, the outputs of a loaded
net, and what a probe layer recorded about every forward pass. Files: the checks give paths
under /tmp (``/tmp/learn-...``) and remove them in the sandbox afterwards.
"""

import io
import math

import pytest
import torch

from grader.asserts import assert_close, assert_number, fail
from grader.sandbox.fixtures import training as fx
from grader.sandbox.host import Handle, is_instance, make

FX = "grader.sandbox.fixtures.training:"


def _seed(rng):
    return int(torch.randint(0, 2**31 - 2, (1,), generator=rng))


def _randint(rng, low, high):
    return int(torch.randint(low, high + 1, (1,), generator=rng))


def _setups(sub, device, seed, **kwargs):
    """The setup in the sandbox (a handle) and the same one here."""
    remote = make(sub, FX + "TrainSetup", seed, device=str(device), **kwargs)
    local = fx.TrainSetup(seed, device=str(device), **kwargs)
    return remote, local


def _uneven(rng):
    b = _randint(rng, 5, 8)
    # A short last batch of at least 2: batch norm cannot train on a batch of one.
    return b, b * _randint(rng, 3, 5) + _randint(rng, 2, b - 1)


def _same_state(got, expected, what, why, exact=False):
    if not isinstance(got, dict) or sorted(got) != sorted(expected):
        fail(f"{what}: the net's state_dict does not have the entries it had; do not replace "
             "or add modules.")
    for name in expected:
        tol = dict(rtol=0.0, atol=0.0) if exact else dict(rtol=1e-4, atol=1e-5)
        assert_close(got[name], expected[name], what=f"{what}: {name}", why=why,
                     check_dtype=False, **tol)


def _path(seed, name):
    return f"/tmp/learn-train-loop-{seed}-{name}.pt"


def _remove(sub, path):
    try:
        make(sub, FX + "remove_file", path)
    except Exception:  # noqa: BLE001 - the process may be gone; the sandbox wipes /tmp then
        pass


def _is_float(value):
    """A Python float (numpy's float64 subclasses it), not a tensor or an int."""
    return isinstance(value, float)


# ---------------------------------------------------------------- accuracy

@pytest.mark.points(2)
def test_accuracy_counts_correct_argmax_predictions(sub, device, rng):
    for n, c in ((_randint(rng, 10, 20), _randint(rng, 3, 6)), (_randint(rng, 30, 50), 2),
                 (1, 4)):
        y_hat = torch.randn(n, c, generator=rng).to(device)
        y = torch.randint(0, c, (n,), generator=rng)
        # About half of the rows right, so a count that is off shows.
        right = torch.rand(n, generator=rng) < 0.5
        y = torch.where(right, y_hat.cpu().argmax(dim=1), y).to(device)
        expected = float((y_hat.cpu().argmax(dim=1) == y.cpu()).sum())
        assert_number(sub.accuracy(y_hat, y), expected,
                      what=f"accuracy(y_hat of shape ({n}, {c}), y)",
                      why="with one score per class, the prediction of a row is the argmax "
                          "over dim 1; accuracy returns the number of rows whose prediction "
                          "equals the label (a count, not a fraction).", rel=0.0, abs_tol=1e-9)


def test_accuracy_of_predicted_labels(sub, device, rng):
    n = _randint(rng, 12, 20)
    y = torch.randint(0, 4, (n,), generator=rng)
    pred = torch.where(torch.rand(n, generator=rng) < 0.6, y,
                       torch.randint(0, 4, (n,), generator=rng))
    expected = float((pred == y).sum())
    for dtype in (torch.int64, torch.float32):
        assert_number(sub.accuracy(pred.to(dtype).to(device), y.to(device)), expected,
                      what=f"accuracy(y_hat of shape ({n},) and dtype {dtype}, y)",
                      why="a 1-D y_hat already holds predicted labels: no argmax; cast it to "
                          "y's dtype and count the matches.", rel=0.0, abs_tol=1e-9)


def test_results_are_python_floats(sub, device, rng):
    y_hat = torch.randn(6, 3, generator=rng).to(device)
    y = torch.randint(0, 3, (6,), generator=rng).to(device)
    value = sub.accuracy(y_hat, y)
    if not _is_float(value):
        fail(f"accuracy(y_hat, y) returned a {type(value).__name__}; return a Python float "
             "(float(...) of the count).")
    remote, _ = _setups(sub, device, _seed(rng))
    value = sub.evaluate_accuracy(remote.net, remote.train_iter)
    if not _is_float(value):
        fail(f"evaluate_accuracy(net, data_iter) returned a {type(value).__name__}; return a "
             "Python float.")
    result = sub.train_epoch(remote.net, remote.train_iter, remote.loss, remote.optimizer,
                             device)
    if not isinstance(result, (tuple, list)) or len(result) != 2 \
            or not all(_is_float(v) for v in result):
        kinds = ", ".join(type(v).__name__ for v in result) \
            if isinstance(result, (tuple, list)) else type(result).__name__
        fail(f"train_epoch(...) returned ({kinds}); return a tuple of two Python floats "
             "(mean loss per example, training accuracy): float(l) or l.item(), not tensors.")


# ---------------------------------------------------------------- evaluate_accuracy

@pytest.mark.points(2)
def test_evaluate_accuracy_is_the_fraction_over_all_examples(sub, device, rng):
    for give_device in (True, False):
        b, n = _uneven(rng)
        seed = _seed(rng)
        remote, local = _setups(sub, device, seed, n=n, batch_size=b, n_classes=4)
        pred = local.logits(local.X).argmax(dim=1).cpu()
        expected = float((pred == local.y).double().mean())
        args = (remote.net, remote.train_iter) + ((device,) if give_device else ())
        call = "evaluate_accuracy(net, data_iter" + (", device)" if give_device else ")")
        assert_number(sub.evaluate_accuracy(*args), expected,
                      what=f"{call} over {n} examples in batches of {b}",
                      why="the accuracy is (correct predictions over all batches) / (number "
                          "of examples), divided once at the end: the last batch is shorter, "
                          "and averaging per-batch accuracies would weigh its examples more.",
                      rel=1e-6, abs_tol=1e-9)


@pytest.mark.points(2)
def test_evaluate_accuracy_switches_to_eval_mode(sub, device, rng):
    remote, local = _setups(sub, device, _seed(rng), batch_norm=True, mode="train")
    before = local.state()
    sub.evaluate_accuracy(remote.net, remote.train_iter, device)
    records = remote.records()
    if not records:
        fail("evaluate_accuracy(net, data_iter, device) never called the net.")
    if any(training for training, _ in records):
        fail("in evaluate_accuracy(net, data_iter, device) the net ran in training mode; call "
             "net.eval() first, so that dropout is off and batch norm uses its running "
             "statistics.")
    _same_state(remote.state(), before, "the net after evaluate_accuracy",
                "evaluation must not change any parameter or buffer (in training mode batch "
                "norm would update its running statistics).", exact=True)
    if any(remote.modes()):
        fail("after evaluate_accuracy(net, data_iter, device) the net is no longer in eval "
             "mode; leave it in eval mode, as the stub says (train_epoch switches back).")


def test_evaluate_accuracy_runs_without_grad(sub, device, rng):
    remote, _ = _setups(sub, device, _seed(rng))
    sub.evaluate_accuracy(remote.net, remote.train_iter, device)
    records = remote.records()
    if not records:
        fail("evaluate_accuracy(net, data_iter, device) never called the net.")
    if any(grad for _, grad in records):
        fail("in evaluate_accuracy(net, data_iter, device) the forward passes ran with "
             "autograd on; run the loop under torch.no_grad() (evaluation needs no graph, "
             "and building one costs memory).")


# ---------------------------------------------------------------- train_epoch

@pytest.mark.points(3)
def test_train_epoch_updates_like_the_reference(sub, device, rng, ref):
    cases = [dict(batch_norm=True, loader=False, lr=0.01),
             dict(batch_norm=False, loader=True, lr=0.02)]
    for case in cases:
        b, n = _uneven(rng)
        remote, local = _setups(sub, device, _seed(rng), n=n, batch_size=b, **case)
        sub.train_epoch(remote.net, remote.train_iter, remote.loss, remote.optimizer, device)
        ref.train_epoch(local.net, local.train_iter, local.loss, local.optimizer, device)
        kind = "a DataLoader" if case["loader"] else "a list of batches"
        _same_state(remote.state(), local.state(),
                    f"the net after train_epoch over {kind} ({n} examples, batches of {b})",
                    "for each batch: zero the gradients, forward, loss, backward, then one step "
                    "of the optimizer; nothing else changes the net (gradients left from an "
                    "earlier batch would be added to this batch's).")
        got, want = remote.optimizer.grad_norms, local.optimizer.grad_norms
        if isinstance(got, list) and len(got) == len(want):
            for step, (g, w) in enumerate(zip(got, want)):
                if not isinstance(g, float) or abs(g - w) > 1e-4 * max(abs(w), 1e-6):
                    ratio = f"{g / w:.3g} times" if isinstance(g, float) and w else "unlike"
                    fail(f"at step {step + 1} of train_epoch over {kind}, the gradients the "
                         f"optimizer was given are {ratio} the expected ones: backpropagate the "
                         "batch's loss as `loss` returns it (a mean over the batch), not scaled "
                         "by the batch size or summed.")


@pytest.mark.points(2)
def test_train_epoch_returns_mean_loss_and_accuracy(sub, device, rng, ref):
    b, n = _uneven(rng)
    remote, local = _setups(sub, device, _seed(rng), n=n, batch_size=b, n_classes=4, lr=0.05)
    result = sub.train_epoch(remote.net, remote.train_iter, remote.loss, remote.optimizer,
                             device)
    expected = ref.train_epoch(local.net, local.train_iter, local.loss, local.optimizer,
                               device)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        fail("train_epoch(...) must return a tuple (mean loss per example, training "
             "accuracy).")
    what = f"over {n} examples in batches of {b}"
    assert_number(result[0], expected[0], what=f"the loss train_epoch returned {what}",
                  why="sum l * batch_size over the batches (l is the batch's mean loss) and "
                      "divide by the number of examples, so the short last batch weighs "
                      "as much as its examples.", rel=1e-5, abs_tol=1e-6)
    why = ("count the correct predictions of each batch's y_hat (the forward pass of the "
           "step) over the epoch and divide by the number of examples.")
    assert_number(result[1], expected[1], what=f"the accuracy train_epoch returned {what}",
                  why=why, rel=1e-6, abs_tol=1e-9)
    # Accuracy counted from a second forward pass after the step differs from the step's own
    # y_hat only where the step moved a prediction: larger steps, on more data, make sure
    # some prediction moves (the optimizer steps by the gradients' signs, so every correct
    # implementation follows the reference's path exactly).
    for _ in range(3):
        b, n = _uneven(rng)
        remote, local = _setups(sub, device, _seed(rng), n=n, batch_size=b, n_classes=4,
                                lr=0.5)
        result = sub.train_epoch(remote.net, remote.train_iter, remote.loss, remote.optimizer,
                                 device)
        expected = ref.train_epoch(local.net, local.train_iter, local.loss, local.optimizer,
                                   device)
        if not isinstance(result, (tuple, list)) or len(result) != 2:
            fail("train_epoch(...) must return a tuple (mean loss per example, training "
                 "accuracy).")
        assert_number(result[1], expected[1], why=why, rel=1e-6, abs_tol=1e-9,
                      what=f"the accuracy train_epoch returned over {n} examples in batches "
                           f"of {b} (learning rate 0.5)")


@pytest.mark.points(2)
def test_train_epoch_runs_in_train_mode_with_grad(sub, device, rng):
    remote, _ = _setups(sub, device, _seed(rng), batch_norm=True, mode="eval")
    sub.train_epoch(remote.net, remote.train_iter, remote.loss, remote.optimizer, device)
    records = remote.records()
    if not records:
        fail("train_epoch(...) never called the net.")
    if not all(training for training, _ in records):
        fail("train_epoch(...) on a net left in eval mode ran forward passes in eval mode; "
             "call net.train() at the start (an evaluation before switched it to eval).")
    if not all(grad for _, grad in records):
        fail("in train_epoch(...) a forward pass ran with autograd off; the forward pass of "
             "a training step needs the graph for backward (only the bookkeeping goes under "
             "torch.no_grad()).")


# ---------------------------------------------------------------- save_params / load_params

@pytest.mark.points(2)
def test_save_params_writes_the_state_dict(sub, device, rng):
    seed = _seed(rng)
    remote, local = _setups(sub, device, seed, batch_norm=True)
    path = _path(seed, "saved")
    try:
        sub.save_params(remote.net, path)
        report = make(sub, FX + "saved_file", path)
    finally:
        _remove(sub, path)
    if not report["exists"]:
        fail("save_params(net, path) wrote no file at path; call torch.save(..., path).")
    if not report["state_dict"]:
        fail("the file save_params(net, path) wrote is not a state_dict: "
             "torch.load(path, weights_only=True) cannot read it as a dict of tensors; save "
             "net.state_dict(), not the module.")
    expected = {k: v.cpu() for k, v in local.state().items()}
    _same_state(report["state"], expected, "the state saved by save_params(net, path)",
                "the file holds every parameter and buffer of the net (its state_dict), with "
                "their values.", exact=True)


@pytest.mark.points(2)
def test_load_params_restores_the_saved_net(sub, device, rng, ref):
    seed = _seed(rng)
    remote, local = _setups(sub, device, seed, batch_norm=True)
    buffer = io.BytesIO()
    torch.save({k: v.cpu() for k, v in local.state().items()}, buffer)
    path = _path(seed, "given")
    factory = make(sub, FX + "NetFactory", seed, 5, 7, 3, device=str(device))
    try:
        make(sub, FX + "write_file", path, buffer.getvalue())
        loaded = sub.load_params(factory, path)
    finally:
        _remove(sub, path)
    if not is_instance(loaded, "torch.nn.Module"):
        fail("load_params(make_net, path) must return the nn.Module that make_net() built.")
    if factory.calls < 1:
        fail("load_params(make_net, path) never called make_net(); build the network with it "
             "and load the saved state into it.")
    _same_state(loaded.state_dict(), local.state(), "the net load_params(make_net, path) "
                "returned", "load_state_dict(torch.load(path)) gives every parameter and "
                "buffer (batch norm's running statistics too) its saved value.", exact=True)
    loaded.eval()
    X = torch.randn(9, 5, generator=rng).to(device)
    assert_close(loaded(X), local.logits(X), what="the outputs of the loaded net in eval mode",
                 why="a net restored from a state_dict computes exactly what the saved net "
                     "computed.", rtol=0.0, atol=0.0, check_dtype=False)


def test_load_params_returns_eval_mode(sub, device, rng):
    seed = _seed(rng)
    _, local = _setups(sub, device, seed, batch_norm=True)
    buffer = io.BytesIO()
    torch.save({k: v.cpu() for k, v in local.state().items()}, buffer)
    path = _path(seed, "mode")
    factory = make(sub, FX + "NetFactory", seed, 5, 7, 3, device=str(device))
    try:
        make(sub, FX + "write_file", path, buffer.getvalue())
        loaded = sub.load_params(factory, path)
    finally:
        _remove(sub, path)
    if not is_instance(loaded, "torch.nn.Module"):
        fail("load_params(make_net, path) must return the nn.Module that make_net() built.")
    modes = make(sub, FX + "module_modes", loaded)
    if any(modes):
        fail("load_params(make_net, path) returned a net in training mode; call net.eval() "
             "before returning it (a loaded net is used for inference: dropout off, batch "
             "norm on its running statistics).")
