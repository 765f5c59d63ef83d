"""Hidden checks for exercises/torch/data_iter.py (minibatch iterators).

The learner's ``data_iter`` returns an iterator and ``load_array`` a DataLoader: both stay
in the sandbox as handles, and ``list(handle)`` brings one whole pass back by value. Labels
are the row ids (``labels[i] = i``), so a pass says which rows came in which batch, and the
features are random rows, so ``X == features[y]`` says whether they stayed together.
Generators given to ``data_iter`` are built in the sandbox (``fixtures.training:generator``).
"""

import pytest
import torch

from grader.asserts import assert_close, assert_tensor, assert_unchanged, fail, is_tensor
from grader.sandbox.host import Handle, is_instance, make, type_info

FX = "grader.sandbox.fixtures.training:"
DATALOADER = "torch.utils.data.dataloader.DataLoader"


def _randint(rng, low, high):
    return int(torch.randint(low, high + 1, (1,), generator=rng))


def _seed(rng):
    return int(torch.randint(0, 2**31 - 2, (1,), generator=rng))


def _data(rng, device, n, shape=(3,), dtype=torch.float32):
    X = torch.randn((n, *shape), generator=rng, dtype=torch.float64).to(dtype).to(device)
    y = torch.arange(n).to(device)
    return X, y


def _batches(result, what, arity=2):
    """One pass over what the learner returned, as a list of tuples of tensors."""
    if isinstance(result, Handle):
        try:
            items = list(result)
        except TypeError:
            fail(f"{what} returned an object that cannot be iterated; write data_iter as a "
                 "generator function (with yield).")
    elif isinstance(result, (list, tuple)):
        items = list(result)
    else:
        fail(f"{what} returned {type(result).__name__}; it must give an iterator of batches.")
    batches = []
    for k, item in enumerate(items):
        if not isinstance(item, (tuple, list)) or len(item) != arity \
                or not all(is_tensor(t) for t in item):
            fail(f"batch {k} of {what} is not a tuple of {arity} tensors "
                 f"({'(X, y)' if arity == 2 else 'one per array'}).")
        batches.append(tuple(item))
    if not batches:
        fail(f"{what} gave no batch at all.")
    return batches


def _ids(batches, what):
    """The row ids in each batch (the labels are the row ids). Their dtype is judged by the
    dtype checks only: a cast of the labels costs that check, not every check."""
    ids = []
    for k, batch in enumerate(batches):
        y = batch[1]
        values = y.detach().cpu().double() if y.dim() == 1 else None
        if values is None or not bool(torch.all(values == values.round())):
            fail(f"batch {k} of {what}: the labels have shape {tuple(y.shape)} and dtype "
                 f"{y.dtype}, not the labels' rows; index the labels tensor (1-D here) with "
                 "the batch's indices.")
        ids.append(values.long().tolist())
    return ids


def _pass(sub, batch_size, X, y, generator=None, *, what=None):
    what = what or f"data_iter({batch_size}, features, labels)"
    if generator is None:
        result = sub.data_iter(batch_size, X, y)
    else:
        result = sub.data_iter(batch_size, X, y, generator)
    if isinstance(result, Handle) and any(m.startswith("torch.utils.data.")
                                          for m in type_info(result).get("mro", [])):
        fail(f"{what} returned a torch.utils.data object; write data_iter by hand (a "
             "permutation cut into chunks), and keep DataLoader for load_array.")
    batches = _batches(result, what)
    return batches, _ids(batches, what)


def _flat(ids):
    return [i for chunk in ids for i in chunk]


def _sizes(n, b):
    return [b] * (n // b) + ([n % b] if n % b else [])


# ---------------------------------------------------------------- data_iter

@pytest.mark.points(2)
def test_data_iter_gives_every_row_exactly_once(sub, device, rng):
    b = _randint(rng, 4, 7)
    # The first case always ends with a short batch (b does not divide n).
    for n, b in ((b * _randint(rng, 4, 6) + _randint(rng, 1, b - 1), b),
                 (_randint(rng, 8, 12), 3)):
        X, y = _data(rng, device, n)
        _, ids = _pass(sub, b, X, y)
        flat = _flat(ids)
        if sorted(flat) != list(range(n)):
            missing = sorted(set(range(n)) - set(flat))
            doubled = sorted({i for i in flat if flat.count(i) > 1})
            fail(f"one pass of data_iter({b}, features, labels) over {n} rows gave {len(flat)} "
                 f"examples, {len(missing)} row(s) never and {len(doubled)} row(s) more than "
                 "once; every example must appear exactly once per pass (a permutation of the "
                 "indices, cut into chunks).")


@pytest.mark.points(2)
def test_data_iter_batch_sizes(sub, device, rng):
    b = _randint(rng, 4, 7)
    cases = [(b * _randint(rng, 3, 5) + _randint(rng, 1, b - 1), b),   # a short last batch
             (b * _randint(rng, 2, 4), b),                               # b divides n
             (_randint(rng, 2, 5), 8),                                   # b > n
             (_randint(rng, 5, 9), 1)]
    for n, b in cases:
        X, y = _data(rng, device, n)
        _, ids = _pass(sub, b, X, y)
        sizes = [len(c) for c in ids]
        if sizes != _sizes(n, b):
            fail(f"data_iter({b}, features, labels) over {n} rows gave batches of sizes "
                 f"{sizes}; consecutive chunks of {b} with the short remainder kept as the "
                 "last batch (and no empty batch).")


@pytest.mark.points(2)
def test_data_iter_keeps_features_with_their_labels(sub, device, rng):
    for shape in ((2,), (2, 3)):
        n, b = _randint(rng, 15, 25), _randint(rng, 3, 6)
        X, y = _data(rng, device, n, shape)
        batches, ids = _pass(sub, b, X, y)
        for k, (Xb, _) in enumerate(batches):
            idx = torch.tensor(ids[k], dtype=torch.long)
            # Compared in the batch's own dtype: a cast is the dtype check's business.
            want = X.cpu()[idx].to(Xb.dtype if Xb.is_floating_point() else X.dtype)
            assert_close(Xb, want.to(device),
                         what=f"X of batch {k} of data_iter({b}, features of shape "
                              f"{tuple(X.shape)}, labels)",
                         why="X must hold the features of exactly the rows whose labels are "
                             "in y, in the same order: index features and labels with the "
                             "same indices.", rtol=0.0, atol=0.0, check_dtype=False,
                         check_device=False)


def test_data_iter_keeps_dtype_and_device(sub, device, rng):
    X, y = _data(rng, device, 12, (3,), torch.float64)
    batches, _ = _pass(sub, 5, X, y)
    for k, (Xb, yb) in enumerate(batches):
        assert_tensor(Xb, what=f"X of batch {k} of data_iter(5, float64 features, labels)",
                      dtype=torch.float64, device=device,
                      why="the batches are rows of the inputs: same dtype, same device.")
        assert_tensor(yb, what=f"y of batch {k} of data_iter(5, features, int64 labels)",
                      dtype=torch.int64, device=device,
                      why="the batches are rows of the inputs: same dtype, same device.")


@pytest.mark.points(2)
def test_data_iter_shuffles_the_examples(sub, device, rng):
    n, b, passes = 100, 10, 10
    X, y = _data(rng, device, n)
    together = 0
    for _ in range(passes):
        _, ids = _pass(sub, b, X, y)
        batch_of = {}
        for k, chunk in enumerate(ids):
            for i in chunk:
                batch_of[i] = k
        together += sum(1 for i in range(n - 1) if batch_of.get(i, -1) == batch_of.get(i + 1, -2))
    # A uniform permutation puts rows i and i+1 in the same batch with probability
    # (b-1)/(n-1): about 9 pairs per pass. Fixed batches in a shuffled order give 90.
    expected = passes * (n - 1) * (b - 1) / (n - 1)
    if together > 2.5 * expected:
        fail(f"over {passes} passes of data_iter({b}, features, labels) on {n} rows, rows i and "
             f"i+1 shared a batch {together} times; a random permutation of the examples gives "
             f"about {expected:.0f}. Shuffle the indices of the examples themselves (not only "
             "the order of fixed batches, and not only inside each batch).")


@pytest.mark.points(2)
def test_data_iter_is_reproducible_with_a_generator(sub, device, rng):
    n, b = _randint(rng, 20, 30), _randint(rng, 3, 6)
    X, y = _data(rng, device, n)
    seed = _seed(rng)
    first = make(sub, FX + "generator", seed)
    second = make(sub, FX + "generator", seed)
    what = f"data_iter({b}, features, labels, generator)"
    _, ids_a = _pass(sub, b, X, y, first, what=what)
    _, ids_b = _pass(sub, b, X, y, second, what=what)
    if ids_a != ids_b:
        fail(f"two calls of {what} with generators seeded alike gave different batches; draw "
             "the permutation from the generator you are given (e.g. "
             "torch.randperm(n, generator=generator)), so that a run can be replayed.")


def test_data_iter_draws_a_fresh_order_on_every_call(sub, device, rng):
    n, b = 40, 5
    X, y = _data(rng, device, n)
    _, ids_a = _pass(sub, b, X, y)
    _, ids_b = _pass(sub, b, X, y)
    if ids_a == ids_b:
        fail(f"two calls of data_iter({b}, features, labels) gave the same order of the {n} "
             "rows; each call (each epoch) must draw a new permutation from torch's global "
             "random numbers (no fixed seed).")
    gen = make(sub, FX + "generator", _seed(rng))
    what = f"data_iter({b}, features, labels, generator)"
    _, ids_a = _pass(sub, b, X, y, gen, what=what)
    _, ids_b = _pass(sub, b, X, y, gen, what=what)
    if ids_a == ids_b:
        fail(f"two calls of {what} with the same generator gave the same order; draw from "
             "the generator itself (it moves on), do not reseed it or copy its state.")


def test_data_iter_does_not_modify_its_inputs(sub, device, rng):
    X, y = _data(rng, device, 17, (2,))
    X_before, y_before = X.clone(), y.clone()
    _pass(sub, 4, X, y)
    assert_unchanged(X_before, X, what="data_iter(4, features, labels) (on features)")
    assert_unchanged(y_before, y, what="data_iter(4, features, labels) (on labels)")
    # A generator function runs its body only while it is iterated, after the call has
    # returned: watch the tensors in the sandbox through one whole pass.
    watch = make(sub, FX + "InputWatch", X, y)
    report = watch.consume(sub.data_iter, [4])
    for name, changed in zip(("features", "labels"), report["changed"]):
        if changed:
            fail(f"data_iter(4, features, labels) modified {name} in place while it was "
                 "iterated; index the rows (features[idx]) into new tensors instead (the "
                 "caller still needs the data set as it was).")


# ---------------------------------------------------------------- load_array

def _loader(sub, arrays, b, *is_train):
    what = f"load_array(arrays, {b}{', is_train=' + str(is_train[0]) if is_train else ''})"
    loader = sub.load_array(arrays, b, *is_train)
    if not is_instance(loader, DATALOADER):
        fail(f"{what} must return a torch.utils.data.DataLoader (over "
             "torch.utils.data.TensorDataset(*arrays)).")
    return loader, what


def _arrays(rng, device, n):
    X = torch.randn(n, 3, generator=rng).to(device)
    y = torch.arange(n).to(device)
    w = torch.rand(n, generator=rng, dtype=torch.float64).to(device)
    return X, y, w


def _two_arrays(rng, device, n):
    """(X, y): the checks of one idea each use two arrays; "any number of tensors" is
    load_array_gives_every_example_once_with_its_arrays's business."""
    return _arrays(rng, device, n)[:2]


def test_load_array_returns_a_dataloader_of_that_batch_size(sub, device, rng):
    b = _randint(rng, 3, 9)
    loader, what = _loader(sub, _arrays(rng, device, 20), b)
    if loader.batch_size != b:
        fail(f"{what} returned a DataLoader whose batch_size is {loader.batch_size!r}; pass "
             "batch_size on to the DataLoader.")


@pytest.mark.points(2)
def test_load_array_gives_every_example_once_with_its_arrays(sub, device, rng):
    b = _randint(rng, 4, 6)
    n = b * _randint(rng, 4, 6) + _randint(rng, 1, b - 1)     # a short last batch
    arrays = _arrays(rng, device, n)
    for is_train in ((), (True,), (False,)):
        loader, what = _loader(sub, arrays, b, *is_train)
        batches = _batches(loader, what, arity=3)
        ids = _ids(batches, what)
        if sorted(_flat(ids)) != list(range(n)):
            fail(f"one pass over {what} did not give each of the {n} examples exactly once.")
        sizes = [len(c) for c in ids]
        if sizes != _sizes(n, b):
            fail(f"one pass over {what} on {n} examples gave batches of sizes {sizes}; keep "
                 "the short last batch (no drop_last).")
        for k, batch in enumerate(batches):
            idx = torch.tensor(ids[k], dtype=torch.long)
            for j, name in ((0, "X"), (2, "w")):
                got = batch[j]
                # Compared in the batch's own dtype: a cast is the dtype check's business.
                want = arrays[j].cpu()[idx]
                want = want.to(got.dtype) if got.is_floating_point() else want
                assert_close(got, want.to(device),
                             what=f"array {j} ({name}) of batch {k} of {what}",
                             why="each example is the tuple of the arrays' rows at one index "
                                 "(TensorDataset(*arrays)).", rtol=0.0, atol=0.0,
                             check_dtype=False, check_device=False)


@pytest.mark.points(2)
def test_load_array_keeps_the_order_for_evaluation(sub, device, rng):
    b = _randint(rng, 3, 7)
    n = b * _randint(rng, 4, 6)     # whole batches: a dropped last batch is another check's
    loader, what = _loader(sub, _two_arrays(rng, device, n), b, False)
    for _ in range(2):
        flat = _flat(_ids(_batches(loader, what), what))
        if flat != list(range(n)):
            fail(f"a pass over {what} did not give the examples in their original order; "
                 "shuffle only when is_train is True (evaluation reads the data as it is).")


@pytest.mark.points(2)
def test_load_array_shuffles_on_every_pass_for_training(sub, device, rng):
    n, b = 60, 6
    loader, what = _loader(sub, _two_arrays(rng, device, n), b, True)
    first = _flat(_ids(_batches(loader, what), what))
    second = _flat(_ids(_batches(loader, what), what))
    if first == list(range(n)):
        fail(f"a pass over {what} gave the examples in their original order; with is_train "
             "True the DataLoader must shuffle (shuffle=is_train).")
    if first == second:
        fail(f"two passes over {what} gave the same order; a training loader must reshuffle "
             "on every pass (DataLoader(..., shuffle=True) does; a permutation fixed once "
             "does not).")


def test_load_array_keeps_dtypes_and_device(sub, device, rng):
    n, b = 14, 4
    X = torch.randn(n, 2, generator=rng, dtype=torch.float64).to(device)
    y = torch.arange(n).to(device)
    for is_train in (True, False):
        loader, what = _loader(sub, (X, y), b, is_train)
        for k, batch in enumerate(_batches(loader, what)):
            for j, (name, array) in enumerate((("X", X), ("y", y))):
                assert_tensor(batch[j], what=f"{name} of batch {k} of {what} (float64 X, "
                              "int64 y)", dtype=array.dtype, device=device,
                              why="the batches are rows of the arrays: keep their dtypes and "
                                  "device (TensorDataset(*arrays) as they are, no casting; "
                                  "int64 labels are what a classification loss needs).")
