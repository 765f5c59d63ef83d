"""The wire format and the checker's side of the sandbox (grader.sandbox.wire / host).

Part one round-trips every supported value through a real frame and feeds the decoder
malformed and hostile data: everything malformed must raise WireError (never another
exception a check could take for the learner's). Part two drives a real zygote through a
Session: handles, vjp, make, in-place changes recorded, exception mapping, and sandboxes that
answer with garbage, crash or hang.
"""

from __future__ import annotations

import collections
import json
import math
import socket
import time

import numpy as np
import pytest
import torch

from grader.sandbox import host, wire
from grader.sandbox.host import (Handle, LearnerError, RemoteSystemExit, SandboxFailure,
                                 SandboxTimeout, Session, Remote, Zygote, deepcopy, is_instance,
                                 make, release, vjp)

# ---------------------------------------------------------------- helpers


def _refuse(obj):
    raise AssertionError(f"{type(obj).__name__} is not data")


def _send(message, blobs=()):
    a, b = socket.socketpair()
    with a, b:
        wire.send_frame(a, message, list(blobs))
        return wire.recv_frame(b, time.monotonic() + 5)


def roundtrip(value, **decoder):
    encoder = wire.Encoder(_refuse)
    data = encoder.encode(value)
    message, blobs, _ = _send({"v": data}, encoder.blobs)
    return wire.Decoder(blobs, **decoder).decode(message["v"])


def decode(data, blob=b"", **decoder):
    return wire.Decoder(memoryview(blob), **decoder).decode(data)


def same_bits(a: torch.Tensor, b: torch.Tensor) -> bool:
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    if a.numel() == 0:
        return True
    if a.dtype == torch.bool:
        return bool(torch.equal(a, b))
    return bool(torch.equal(a.reshape(-1).contiguous().view(torch.uint8),
                            b.reshape(-1).contiguous().view(torch.uint8)))


def _tensor(value, **kw):
    return {"$tensor": dict({"dtype": "float32", "shape": [1], "device": "cpu", "rg": False,
                             "fn": False, "at": [0, 4], "id": 0}, **value, **kw)}


# ---------------------------------------------------------------- round trips


@pytest.mark.parametrize("dtype", wire.TENSOR_DTYPES)
def test_tensors_of_every_dtype_round_trip(dtype: str) -> None:
    torch_dtype = getattr(torch, dtype)
    base = torch.tensor([[-2.5, 0.0, 1.0], [3.0, float("nan"), 7.0]], dtype=torch.float64)
    if torch_dtype.is_complex:
        X = torch.complex(base, -base).to(torch_dtype)
    elif torch_dtype == torch.bool:
        X = base > 0
    elif torch_dtype.is_floating_point:
        X = base.to(torch_dtype)
    else:
        X = torch.nan_to_num(base).to(torch_dtype)
    for value in (X, X[0, 0], X[:0], X.t(), X[:, ::2]):
        got = roundtrip(value)
        assert type(got) is torch.Tensor and same_bits(got, value.contiguous()), (dtype, value)
        assert got.is_contiguous() and not got.requires_grad


def test_tensor_flags_views_and_identity() -> None:
    X = torch.randn(3, 4, requires_grad=True)
    got = roundtrip(X)
    assert got.requires_grad and got.is_leaf and torch.equal(got.detach(), X.detach())
    assert not roundtrip(torch.arange(3)).requires_grad
    expanded = torch.ones(1, 3).expand(4, 3)
    assert torch.equal(roundtrip(expanded), torch.ones(4, 3))
    conj = torch.tensor([1 + 2j, 3 - 1j]).conj()
    assert torch.equal(roundtrip(conj), torch.tensor([1 - 2j, 3 + 1j]))
    assert torch.equal(roundtrip(-torch.tensor([1 + 1j])._neg_view()), torch.tensor([1 + 1j]))
    empty = roundtrip(torch.zeros(0, 5, 2))
    assert empty.shape == (0, 5, 2)
    Y = torch.arange(6.0)
    a, b, c = roundtrip((Y, [Y, {"k": Y}], torch.arange(6.0)))
    assert a is b[0] is b[1]["k"] and c is not a and torch.equal(c, a)


@pytest.mark.parametrize("dtype", wire.NUMPY_DTYPES)
def test_numpy_arrays_and_scalars_round_trip(dtype: str) -> None:
    values = np.array([[0, 1, 2], [3, 4, 5]]).astype(dtype)
    for value in (values, values.T, values[:0], np.array(values[0, 0]),
                  values.astype(np.dtype(dtype).newbyteorder(">"))):
        got = roundtrip(value)
        assert isinstance(got, np.ndarray) and got.dtype == np.dtype(dtype)
        assert got.shape == value.shape and np.array_equal(got, value)
        assert got.flags.writeable
    scalar = values.reshape(-1)[1]
    got = roundtrip(scalar)
    # numpy's float64 and complex128 are Python floats and complexes: they cross as such.
    kind = {"float64": float, "complex128": complex}.get(dtype, type(scalar))
    assert type(got) is kind and got == scalar


def test_plain_values_round_trip() -> None:
    value = {
        "none": None, "flags": [True, False], "ints": [0, -1, 2**63 - 1, -2**63, 2**100, -3**80],
        "floats": [0.5, -0.0, 1e308, float("inf"), float("-inf")], "complex": [1 - 2j, complex(0, math.inf)],
        "text": "héllo \x1b \u202e", "bytes": b"\x00\xff" * 10, "bytearray": bytearray(b"ab"),
        "slices": [slice(1, None, 2), slice(None)], "dtypes": [torch.float16, torch.bfloat16, torch.bool],
        "devices": [torch.device("cpu"), torch.device("cuda:1")], "size": torch.Size([2, 3]),
        (1, "tuple key"): ((), (1,), [[[]]]), 7: "int key",
        "ordered": collections.OrderedDict([("b", 1), ("a", 2)]),
        "np": [np.float16(1.5), np.int8(-3), np.bool_(True), np.complex64(1 + 1j)],
    }
    got = roundtrip(value)
    expected = dict(value, bytearray=b"ab", size=(2, 3), ordered={"b": 1, "a": 2})
    assert got == expected
    assert list(got["ordered"]) == ["b", "a"] and type(got["size"]) is tuple
    assert type(got["bytes"]) is bytes and type(got["complex"][0]) is complex
    nan = roundtrip(float("nan"))
    assert math.isnan(nan)


def test_objects_are_not_data() -> None:
    with pytest.raises(AssertionError, match="not data"):
        wire.Encoder(_refuse).encode([object()])
    with pytest.raises(wire.WireError):
        wire.Encoder(_refuse).encode(torch.zeros(2, dtype=torch.uint16))
    deep: list = []
    for _ in range(wire.MAX_DEPTH + 2):
        deep = [deep]
    with pytest.raises(wire.WireError):
        wire.Encoder(_refuse).encode(deep)


# ---------------------------------------------------------------- hostile data


@pytest.mark.parametrize("data, blob", [
    ({"$tuple": [1], "$dict": []}, b""),  # two tags
    ({"$nope": 1}, b""),  # unknown tag
    ({"$handle": {"id": 1}}, b""),  # a handle where none is expected
    ({"$ref": 1}, b""),
    ({"$name": "x"}, b""),
    ({"$dict": [[1]]}, b""),
    ({"$dict": [[[1, 2], 3]]}, b""),  # unhashable key
    ({"$bytes": [0, 5]}, b"abc"),  # outside the data
    ({"$bytes": [-1, 2]}, b"abc"),
    ({"$bytes": [2.0, 1]}, b"abc"),
    (_tensor({"at": [0, 8]}), b"\0" * 4),  # outside the data
    (_tensor({"shape": [2]}), b"\0" * 4),  # shape does not match the data
    (_tensor({"dtype": "float128"}), b"\0" * 4),
    (_tensor({"shape": [-1]}), b"\0" * 4),
    (_tensor({"shape": [1] * 17}), b"\0" * 4),
    (_tensor({"shape": [2**40 - 1] * 15 + [0], "at": [0, 0]}), b""),  # overflows torch
    (_tensor({"device": "meta"}), b"\0" * 4),
    (_tensor({"device": "cuda:0"}), b"\0" * 4),  # no CUDA on this machine (see below)
    (_tensor({"device": "tpu"}), b"\0" * 4),
    (_tensor({"device": "x" * 30}), b"\0" * 4),
    ({"$ndarray": {"dtype": "object", "shape": [1], "at": [0, 8]}}, b"\0" * 8),
    ({"$ndarray": {"dtype": "float64", "shape": [2], "at": [0, 8]}}, b"\0" * 8),
    ({"$np": ["uint8", 300]}, b""),
    ({"$np": ["int8", [1]]}, b""),
    ({"$np": ["object", 1]}, b""),
    ({"$bigint": "1" * 500}, b""),
    ({"$bigint": "12x"}, b""),
    ({"$float": "NaN!"}, b""),
    ({"$complex": ["x", 1]}, b""),
    ({"$slice": [1, 2]}, b""),
    ({"$slice": [1.5, 2, 3]}, b""),
    ({"$dtype": "torch.float32"}, b""),
    ({"$same": 5}, b""),
])
def test_malformed_values_raise_wire_error(data, blob) -> None:
    if "cuda" in json.dumps(data) and torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    with pytest.raises(wire.WireError):
        decode(data, blob)


def test_depth_and_count_caps(monkeypatch: pytest.MonkeyPatch) -> None:
    deep: object = 1
    for _ in range(wire.MAX_DEPTH + 2):
        deep = [deep]
    with pytest.raises(wire.WireError, match="deeply"):
        decode(deep)
    tagged: object = 1
    for _ in range(wire.MAX_DEPTH + 2):
        tagged = {"$tuple": [tagged]}
    with pytest.raises(wire.WireError):
        decode(tagged)
    monkeypatch.setattr(wire, "MAX_NODES", 1000)
    with pytest.raises(wire.WireError, match="too many"):
        decode(list(range(1001)))
    assert decode(list(range(900))) == list(range(900))


def test_callback_errors_pass_through_unchanged() -> None:
    def on_name(name):
        raise NameError(f"your file does not define {name!r}")

    with pytest.raises(NameError, match="does not define 'x'"):
        decode({"$name": "x"}, on_name=on_name)
    with pytest.raises(wire.WireError, match="unknown handle"):
        decode({"$ref": 9}, on_ref=lambda ident: (_ for _ in ()).throw(wire.WireError("unknown handle")))


def _raw(head: bytes, body: bytes = b"", blob: bytes = b"", **kw):
    a, b = socket.socketpair()
    with a, b:
        a.sendall(head + body + blob)
        a.shutdown(socket.SHUT_WR)
        return wire.recv_frame(b, time.monotonic() + 5, **kw)


def test_malformed_frames_raise_wire_error() -> None:
    good = b'{"a":1}'
    assert _raw(wire.HEADER.pack(wire.MAGIC, len(good), 0), good)[0] == {"a": 1}
    cases = [
        (wire.HEADER.pack(b"EVIL", len(good), 0), good, b"", {}),  # bad magic
        (wire.HEADER.pack(wire.MAGIC, wire.MAX_JSON + 1, 0), b"", b"", {}),  # oversize header
        (wire.HEADER.pack(wire.MAGIC, 2, 10**12), b"{}", b"", {}),  # oversize blob section
        (wire.HEADER.pack(wire.MAGIC, 2, 100), b"{}", b"x" * 100, {"max_blobs": 50}),
        (wire.HEADER.pack(wire.MAGIC, 4, 0), b"{]}x", b"", {}),  # not JSON
        (wire.HEADER.pack(wire.MAGIC, 4, 0), b'"\xff"', b"", {}),  # not UTF-8
        (wire.HEADER.pack(wire.MAGIC, 200000, 0), b"[" * 100000 + b"]" * 100000, b"", {}),
        (wire.HEADER.pack(wire.MAGIC, 2, 0), b"{}"[:1], b"", {}),  # cut short
    ]
    for head, body, blob, kw in cases:
        with pytest.raises(wire.WireError):
            _raw(head, body, blob, **kw)


def test_closed_peer_and_deadline() -> None:
    a, b = socket.socketpair()
    with b:
        a.close()
        with pytest.raises(wire.PeerClosed):
            wire.recv_frame(b, time.monotonic() + 5)
    a, b = socket.socketpair()
    with a, b:
        a.sendall(wire.HEADER.pack(wire.MAGIC, 10, 0) + b"{")
        start = time.monotonic()
        with pytest.raises(wire.PeerTimeout):
            wire.recv_frame(b, time.monotonic() + 0.3)
        assert time.monotonic() - start < 2


def test_remote_errors_are_rebuilt_safely() -> None:
    cases = [
        ({"type": "UnicodeDecodeError", "bases": ["UnicodeDecodeError", "UnicodeError", "ValueError",
                                                  "Exception"], "message": "bad"}, ValueError),
        ({"type": "ExceptionGroup", "bases": ["ExceptionGroup", "Exception"], "message": "x"},
         LearnerError),
        ({"type": "MyErr", "bases": ["LookupError", "Exception"], "message": "m"}, LookupError),
        ({"type": 5, "bases": 7, "message": ["x"], "line": "3"}, LearnerError),
        ({"type": "Exit", "bases": ["SystemExit"], "message": "0"}, RemoteSystemExit),
        ({"type": "x\ud800\uffff", "bases": [], "message": "\ud800\uffff" * 3000}, LearnerError),
    ]
    for info, kind in cases:
        with pytest.raises(kind) as caught:
            host._raise_remote(info)
        assert isinstance(caught.value, LearnerError)
        text = str(caught.value)
        assert len(text) <= 2000 and "\ud800" not in text and "\uffff" not in text
    with pytest.raises(host.ForbiddenAPIError):
        host._raise_remote({"type": "ForbiddenAPIError", "forbidden": True, "message": "x"})
    with pytest.raises(SandboxFailure):
        host._raise_remote(["not", "a", "dict"])


def test_load_reports_are_reduced_to_their_schema() -> None:
    assert host._name_info({"kind": "function", "params": [[1], "x", None], "bases": "Module",
                            "type": None, "extra": object()}) == \
        {"kind": "function", "type": "", "params": None}
    assert host._name_info("x") == {"kind": "missing"}
    assert host._name_info({"kind": "evil"})["kind"] == "other"
    good = {"kind": "class", "type": "type", "bases": ["torch.nn.modules.module.Module"],
            "params": [["p", "POSITIONAL_OR_KEYWORD", None]]}
    assert host._name_info(good) == good


# ---------------------------------------------------------------- sessions against a zygote

SOURCE = r'''
import os
import struct

import torch
from torch import nn


def double(x):
    return x * 2


def add_one_(x):
    x.add_(1)


def resize(x):
    x.resize_(2)


def bump(x):
    x += 1


def plus(x):
    return x + 1
    x.fill_(7)


def square(x):
    return x ** 2


def detached(x):
    return x.detach() * 3


class Box:
    def __init__(self, items):
        self.items = list(items)
        self.tag = "box"
        self.__array_interface__ = {"shape": (1 << 20,), "typestr": "<f8", "data": (0, False),
                                    "version": 3}

    def __len__(self):
        return len(self.items)

    def __iter__(self):
        return iter(self.items)

    def __getitem__(self, i):
        return self.items[i]

    def total(self):
        return sum(self.items)


class Lin(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([1.0, 2.0, 3.0]))

    def forward(self, x):
        return (self.w * x).sum(-1)


def describe(obj):
    return type(obj).__name__


def fail(kind):
    if kind == "value":
        raise ValueError("nope")
    if kind == "key":
        raise KeyError("k")
    if kind == "unicode":
        raise UnicodeDecodeError("utf-8", b"\xff", 0, 1, "bad byte")
    if kind == "group":
        raise ExceptionGroup("g", [ValueError("x")])
    if kind == "todo":
        raise NotImplementedError("todo")
    if kind == "exit":
        raise SystemExit(4)

    class MyError(LookupError):
        pass

    raise MyError("custom")


def spin():
    while True:
        pass


def crash(code):
    os._exit(code)


def garbage(kind):
    if kind == "magic":
        os.write(3, b"NOPE" + b"\0" * 16)
    elif kind == "huge":
        os.write(3, struct.pack("<4sQQ", b"LRN1", 1 << 40, 0))
    elif kind == "deep":
        body = b"[" * 50000 + b"]" * 50000
        os.write(3, struct.pack("<4sQQ", b"LRN1", len(body), 0) + body)
    elif kind == "future":
        body = b'{"ok": true, "seq": 1000000, "value": 1}'
        os.write(3, struct.pack("<4sQQ", b"LRN1", len(body), 0) + body)
    elif kind == "meta":
        body = (b'{"ok": true, "seq": SEQ, "value": {"$tensor": {"dtype": "float32", "shape": [3],'
                b' "device": "meta", "rg": false, "fn": false, "at": [0, 0], "id": 0}}}')
        os.write(3, struct.pack("<4sQQ", b"LRN1", len(body), 0) + body)
        while True:
            pass
    return 1


def leave_files():
    written = []
    for path in ("/tmp/left.py", "/tmp/work/sympy.py", "/dev/shm/left", os.getcwd() + "/x.py"):
        try:
            with open(path, "w") as fh:
                fh.write("raise SystemExit('imported a file a previous submission left')\n")
            written.append(path)
        except OSError:
            pass
    return written


def leftovers():
    import sys

    found = [p for p in ("/tmp/left.py", "/tmp/work/sympy.py", "/dev/shm/left") if os.path.exists(p)]
    try:
        import sympy  # noqa: F401 - must come from site-packages, if at all
    except ImportError:
        pass
    return found, [p for p in sys.path if p.startswith(("/tmp", "/dev")) and os.access(p, os.W_OK)]
'''
NAMES = ["double", "Box", "Lin"]
MODES = ["unisolated"] + (["isolated"] if host.bwrap_available() is None else [])


@pytest.fixture(scope="module", params=MODES)
def zygote(request: pytest.FixtureRequest):
    z = Zygote("cpu", isolate=request.param == "isolated")
    if request.param == "isolated":
        assert z.why_unisolated is None
    yield z
    z.close()


def _session(zygote, source=SOURCE, timeout=60.0, forbidden=()):
    session = Session(zygote, source, "/learner/sub.py", NAMES, list(forbidden),
                      torch.device("cpu"), timeout)
    session.start()
    return session


@pytest.fixture
def sub(zygote):
    session = _session(zygote)
    yield Remote(session)
    session.close()


def test_load_reports_names(zygote) -> None:
    session = _session(zygote)
    try:
        info = session.load_info
        assert info["double"]["kind"] == "function"
        assert info["double"]["params"] == [["x", "POSITIONAL_OR_KEYWORD", None]]
        assert info["Lin"]["kind"] == "class" and "torch.nn.modules.module.Module" in info["Lin"]["bases"]
    finally:
        session.close()


def test_calls_and_handles(sub) -> None:
    X = torch.randn(4, 3)
    assert torch.equal(sub.double(X), X * 2)
    box = sub.Box([1, 2, 3])
    assert isinstance(box, Handle) and repr(box) == "<your Box>"
    assert box.tag == "box" and len(box) == 3 and list(box) == [1, 2, 3] and box[1] == 2
    assert box.total() == 6
    box.tag = "renamed"
    assert box.tag == "renamed"
    copy = deepcopy(box)
    copy.items = [10]
    assert box.total() == 6 and copy.total() == 10
    assert not is_instance(box, "torch.nn.Module")
    assert sub.describe(box) == "Box"  # a handle goes back as the object itself
    release(copy)
    with pytest.raises(LearnerError):
        copy.total()
    # Protocol hooks are never asked of the sandbox: numpy does not read the fake
    # __array_interface__ (address 0) the object advertises.
    with pytest.raises(AttributeError):
        box.__array_interface__  # noqa: B018
    assert np.asarray(box).tolist() == [1, 2, 3]  # as a sequence, through by-value calls
    with pytest.raises(LearnerError) as missing:
        sub.nothing_here(1)
    assert isinstance(missing.value, NameError)


def test_modules_vjp_and_make(sub) -> None:
    X = torch.randn(5, 3, requires_grad=True)
    G = torch.randn(5, 3)
    r = vjp(sub.square, X, wrt=[0], cotangent=G)
    assert r.out.requires_grad and torch.allclose(r.grads[0], 2 * X.detach() * G)
    r = vjp(sub.square, X, wrt=[0], cotangent_seed=7)
    assert torch.allclose(r.grads[0], 2 * X.detach() * host.cotangent_like(r.out, 7))
    r = vjp(sub.detached, X, wrt=[0], cotangent=G)
    assert not r.out.requires_grad and r.grads == [None]
    lin = sub.Lin()
    assert is_instance(lin, "torch.nn.Module")
    x = torch.randn(4, 3)
    r = vjp(lin, x, wrt=[0], cotangent_seed=3, params=True)
    cot = host.cotangent_like(r.out, 3)
    assert torch.allclose(r.params["w"], (cot[:, None] * x).sum(0))
    assert torch.allclose(r.grads[0], cot[:, None] * torch.tensor([1.0, 2.0, 3.0]))
    assert set(lin.state_dict()) == {"w"}
    net = make(sub, "grader.sandbox.fixtures.common:sequential",
               make(sub, "grader.sandbox.fixtures.common:identity"), sub.Lin())
    assert is_instance(net, "torch.nn.Module")
    assert torch.allclose(net(x), x @ torch.tensor([1.0, 2.0, 3.0]))
    for factory in ("os:system", "grader.sandbox.server:zygote", "grader.pretrainedX:f",
                    "grader.sandbox.fixtures.common:_private", "grader.sandbox.fixtures.common"):
        with pytest.raises(LearnerError, match="not a public fixture"):
            make(sub, factory, "echo pwned")


def test_in_place_changes_are_recorded_not_written_back(sub) -> None:
    X = torch.zeros(3)
    assert sub.add_one_(X) is None
    assert torch.equal(X, torch.zeros(3))          # the checker's input keeps its values
    assert sub._learn_session.was_modified(X)
    Y = torch.zeros(5)
    sub.resize(Y)
    assert torch.equal(Y, torch.zeros(5)) and sub._learn_session.was_modified(Y)
    Z = torch.zeros(2)
    sub.double(Z)                                   # doubles zeros: no change to report
    assert not sub._learn_session.was_modified(Z)
    assert sub._learn_session.modified_inputs == ["call add_one_", "call resize"]


def test_in_place_changes_to_numpy_arrays_are_recorded_too(sub) -> None:
    A = np.zeros((2, 3))
    B = np.arange(4)
    sub.bump(A)
    sub.plus(B)                                     # returns a new array: no change
    assert np.array_equal(A, np.zeros((2, 3)))      # never written back
    assert sub._learn_session.was_modified(A) and not sub._learn_session.was_modified(B)
    from grader.asserts import CheckFailure, assert_unchanged
    from grader.plugin import CONTEXT

    CONTEXT["session"] = sub._learn_session
    try:
        with pytest.raises(CheckFailure, match="modified its input in place"):
            assert_unchanged(A.copy(), A, what="bump(A)")
        assert_unchanged(B.copy(), B, what="plus(B)")
    finally:
        CONTEXT.pop("session", None)


def test_learner_exceptions_map_to_builtin_classes(sub) -> None:
    for kind, base in (("value", ValueError), ("key", KeyError), ("unicode", UnicodeError),
                       ("todo", NotImplementedError), ("custom", LookupError),
                       ("group", Exception), ("exit", RemoteSystemExit)):
        with pytest.raises(base) as caught:
            sub.fail(kind)
        assert isinstance(caught.value, LearnerError)
        assert caught.value.line is not None
    with pytest.raises(LookupError) as caught:
        sub.fail("custom")
    assert caught.value.remote_type == "MyError" and "custom" in str(caught.value)


EACH_SOURCE = SOURCE + r'''

def add_and_return(x):
    x.add_(1)
    return x.clone()


def forbidden_sort(x):
    return sorted(x)


def draw():
    import random

    import numpy
    return torch.rand(3), random.random(), float(numpy.random.rand())
'''


def test_call_each_is_many_single_calls_in_one_round_trip(zygote) -> None:
    session = _session(zygote, EACH_SOURCE)
    sub = Remote(session)
    try:
        X = torch.zeros(3)
        seq = session.process.seq
        outcomes = host.call_each(sub.add_and_return, [((X,), {})] * 3)
        assert session.process.seq == seq + 1                 # one request for the three calls
        # Each call got its own copy of X: the first call's in-place change never reached
        # the next one, and none reached the checker's X; each change is recorded.
        assert all(torch.equal(o.get(), torch.ones(3)) for o in outcomes)
        assert torch.equal(X, torch.zeros(3)) and session.was_modified(X)
        assert session.modified_inputs == ["call add_and_return"] * 3
        A = np.arange(3.0)
        values = [o.get() for o in host.call_each(sub.double, [((A,), {}), ((2,), {}),
                                                               (("ab",), {})])]
        assert np.array_equal(values[0], A * 2) and values[1:] == [4, "abab"]
        assert not session.was_modified(A)
        # Each call ends in its own value or exception, in order; the exceptions are the
        # ones single calls raise, and get() raises them.
        outcomes = host.call_each(sub.fail, [(("value",), {}), (("key",), {}), (("exit",), {})])
        for outcome, base in zip(outcomes, (ValueError, KeyError, RemoteSystemExit)):
            assert isinstance(outcome.error, base) and outcome.error.line is not None
            with pytest.raises(base):
                outcome.get()
        box = sub.Box([1, 2])
        assert [o.get() for o in host.call_each(box.total, [((), {})] * 2)] == [3, 3]
        many = host.call_each(sub.double, [((i,), {}) for i in range(600)])
        assert [o.get() for o in many] == [2 * i for i in range(600)]
    finally:
        session.close()


def test_a_checks_seed_travels_with_its_first_request(zygote) -> None:
    session = _session(zygote, EACH_SOURCE)
    try:
        torch.manual_seed(5)
        random_state = __import__("random").Random(5)
        numpy_state = np.random.RandomState(5)
        expected = (torch.rand(3), random_state.random(), float(numpy_state.rand()))
        seq = session.process.seq
        session.seed(5)
        assert session.process.seq == seq                      # no round trip of its own
        first = Remote(session).draw()
        assert session.process.seq == seq + 1
        assert torch.equal(first[0], expected[0]) and first[1:] == expected[1:]
        second = Remote(session).draw()                        # not seeded again
        assert not torch.equal(second[0], first[0])
        session.seed(5)
        again = Remote(session).draw()
        assert torch.equal(again[0], first[0]) and again[1:] == first[1:]
    finally:
        session.close()


def test_call_each_keeps_the_sandbox_rules(zygote) -> None:
    session = _session(zygote, EACH_SOURCE, forbidden=("builtins.sorted",))
    try:
        outcomes = host.call_each(Remote(session).forbidden_sort, [(([2, 1],), {})] * 2)
        assert all(isinstance(o.error, host.ForbiddenAPIError) for o in outcomes)
        assert session.forbidden_used == ["builtins.sorted"]
        # A reply the checker cannot read fails the whole request, as for a single call,
        # and the next process works.
        with pytest.raises(SandboxFailure):
            host.call_each(Remote(session).garbage, [(("none",), {}), (("magic",), {})])
        session.ensure()
        assert host.call_each(Remote(session).double, [((1,), {})])[0].get() == 2
        with pytest.raises(host.CheckAuthoringError):
            host.call_each(lambda x: x, [((1,), {})])
    finally:
        session.close()


def test_a_prepared_spare_process_is_used_only_with_its_settings(zygote) -> None:
    forbidden = ["builtins.sorted"]
    spare = Session.prepare(zygote, forbidden, torch.device("cpu"))
    session = Session(zygote, EACH_SOURCE, "/learner/sub.py", NAMES, forbidden,
                      torch.device("cpu"), 60.0, spare=spare)
    try:
        session.start()
        assert session.process is spare                    # started on the spare
        with pytest.raises(host.ForbiddenAPIError):        # its tripwires were armed ahead
            Remote(session).forbidden_sort([2, 1])
        assert torch.equal(Remote(session).double(torch.ones(2)), torch.full((2,), 2.0))
    finally:
        session.close()
    # A spare prepared for other forbidden APIs is ended, and a fresh process used instead.
    spare = Session.prepare(zygote, [], torch.device("cpu"))
    session = Session(zygote, EACH_SOURCE, "/learner/sub.py", NAMES, forbidden,
                      torch.device("cpu"), 60.0, spare=spare)
    try:
        session.start()
        assert session.process is not spare and spare.ended is not None
        with pytest.raises(host.ForbiddenAPIError):
            Remote(session).forbidden_sort([2, 1])
    finally:
        session.close()


@pytest.mark.parametrize("kind", ["magic", "huge", "deep", "future", "meta"])
def test_garbage_from_the_sandbox_is_a_sandbox_failure(zygote, kind: str) -> None:
    source = SOURCE.replace("SEQ", "2")  # the load is request 1, this call request 2
    session = _session(zygote, source)
    try:
        with pytest.raises(SandboxFailure) as caught:
            Remote(session).garbage(kind)
        assert not isinstance(caught.value, SandboxTimeout)
        session.ensure()  # a fresh process for the next check
        assert torch.equal(Remote(session).double(torch.ones(2)), torch.full((2,), 2.0))
    finally:
        session.close()


def test_a_crash_is_a_sandbox_failure_and_the_next_process_works(zygote) -> None:
    session = _session(zygote)
    try:
        with pytest.raises(SandboxFailure, match="exit code 3"):
            Remote(session).crash(3)
        session.ensure()
        assert Remote(session).Box([4]).total() == 4
    finally:
        session.close()


def test_a_timeout_is_a_sandbox_timeout_and_the_next_process_works(zygote) -> None:
    session = _session(zygote, timeout=2.0)
    try:
        start = time.monotonic()
        with pytest.raises(SandboxTimeout):
            Remote(session).spin()
        assert time.monotonic() - start < 10
        with pytest.raises(SandboxTimeout, match="used up"):
            session.ensure()
        session.deadline = time.monotonic() + 30
        session.ensure()
        assert torch.equal(Remote(session).double(torch.ones(1)), torch.full((1,), 2.0))
    finally:
        session.close()


def test_nothing_a_submission_leaves_reaches_the_next(zygote) -> None:
    if zygote.why_unisolated is not None:
        pytest.skip("only the sandbox wipes its scratch folders")
    first = _session(zygote)
    try:
        written = Remote(first).leave_files()
        assert "/tmp/left.py" in written and "/dev/shm/left" in written
    finally:
        first.close()
    second = _session(zygote)
    try:
        found, writable_on_path = Remote(second).leftovers()
        assert found == [] and writable_on_path == []
    finally:
        second.close()


def test_forbidden_apis_are_refused_on_every_route(zygote) -> None:
    source = SOURCE + r'''

import threading


def via_thread(x):
    out = []
    t = threading.Thread(target=lambda: out.append(torch._C._VariableFunctions.dropout(x, 0.5, True)))
    t.start()
    t.join()
    return len(out)


def via_disabled_modes(x):
    with torch._C.DisableTorchFunction():
        return torch._C._VariableFunctions.dropout(x, 0.5, True)


def via_script(x):
    return torch.jit.CompilationUnit(
        "def f(x: Tensor) -> Tensor:\n    return torch.dropout(x, 0.5, True)\n").f(x)


def mine(x):
    return x * torch.bernoulli(torch.full_like(x, 0.5)) * 2
'''
    # Only the functional name is listed: torch.dropout, torch._C._VariableFunctions.dropout
    # and TorchScript's torch.dropout are not wrapped in Python, so what refuses them here is
    # the dispatcher's tripwire for aten::dropout (on any thread, under any mode).
    forbidden = ["torch.nn.functional.dropout"]
    for name in ("via_thread", "via_disabled_modes", "via_script"):
        session = _session(zygote, source, forbidden=forbidden)
        try:
            try:
                getattr(Remote(session), name)(torch.ones(8))
            except (LearnerError, host.ForbiddenAPIError):
                pass
            assert session.forbidden_used, name
        finally:
            session.close()
    session = _session(zygote, source, forbidden=forbidden)
    try:
        net = make(Remote(session), "grader.sandbox.fixtures.common:identity")
        assert Remote(session).mine(torch.ones(8)).shape == (8,)
        assert torch.equal(net(torch.ones(2)), torch.ones(2))
        assert session.forbidden_used == []
        with pytest.raises((LearnerError, host.ForbiddenAPIError)):  # re-armed after make()
            Remote(session).via_disabled_modes(torch.ones(8))
        assert session.forbidden_used == ["torch.nn.functional.dropout"]
    finally:
        session.close()


def test_a_checkout_under_tmp_is_bound_read_only_into_the_sandbox_tmp() -> None:
    """A CI clone under /tmp stays visible in the sandbox (which has its own /tmp), and the
    folder holding it is a read-only tmpfs, so nothing can be planted beside the package."""
    from grader.sandbox import host

    assert host._top_dirs_under_tmp(["/tmp/ci/grader", "/tmp/ci/.venv", "/usr", "/tmpx/a"]) \
        == ["/tmp/ci"]
    cmd = host._bwrap_command(3, "cpu", 1 << 20)
    tmp_at = max(i for i, a in enumerate(cmd) if a == "/tmp" and cmd[i - 1] == "--tmpfs")
    package = str(host._public_grader_paths()[0])
    first_bind = next(i for i, a in enumerate(cmd) if a == "--ro-bind")
    assert tmp_at < first_bind, "the sandbox's /tmp must be mounted before anything is bound"
    remounted = {cmd[i + 1] for i, a in enumerate(cmd) if a == "--remount-ro"}
    for path in host._top_dirs_under_tmp([package]):
        assert path in remounted and cmd.index(path) < first_bind


SIBLING_SOURCE = SOURCE + r'''


def plant(tag):
    for path in ("/tmp/" + tag, "/tmp/work/" + tag, "/dev/shm/" + tag):
        with open(path, "w") as fh:
            fh.write(tag)
    return sorted(os.listdir("/tmp")), sorted(os.listdir("/dev/shm"))


def look():
    found = []
    for folder in ("/tmp", "/tmp/work", "/dev/shm"):
        found += [folder + "/" + n for n in os.listdir(folder) if n.startswith("planted")]
    try:
        learn = os.listdir("/.learn")
    except OSError as exc:
        learn = type(exc).__name__
    return found, learn
'''


@pytest.mark.skipif(host.bwrap_available() is not None, reason="siblings need the sandbox")
def test_sibling_zygotes_do_not_share_scratch_space() -> None:
    """Two checkers grading at once (``learn grade --jobs 2``) get sibling zygotes of one
    sandbox: neither submission sees what the other writes to /tmp or /dev/shm, and the
    siblings' scratch folders are out of reach."""
    mother = Zygote("cpu", siblings=2)
    try:
        first, second = mother.sibling(0), mother.sibling(1)
        a = Session(first, SIBLING_SOURCE, "/learner/a.py", NAMES, [], torch.device("cpu"), 60.0)
        b = Session(second, SIBLING_SOURCE, "/learner/b.py", NAMES, [], torch.device("cpu"), 60.0)
        a.start()
        b.start()
        try:
            Remote(a).plant("planted-a")
            found, learn = Remote(b).look()
            assert found == [] and learn == []
            assert len(Remote(a).look()[0]) == 3
            assert Remote(b).double(torch.ones(2)).tolist() == [2.0, 2.0]
        finally:
            a.close()
            b.close()
        first.close()
        second.close()
    finally:
        mother.close()


def test_ops_with_torchscript_only_overloads_can_be_forbidden() -> None:
    """aten::tanh has overloads (tanh.int, ...) with no dispatcher entry: the tripwires skip
    them and still refuse the real kernels."""
    from grader import forbid
    from grader.sandbox.server import DispatchTripwires

    wires = DispatchTripwires(("torch.tanh",))
    assert any(op == "tanh" for op, _, _ in wires.targets)
    wires.arm()
    try:
        with pytest.raises(BaseException) as info:
            torch.tanh(torch.ones(2))
        assert "forbid" in type(info.value).__name__.lower() or isinstance(
            info.value, forbid.ForbiddenAPIError)
    finally:
        wires.disarm()
    assert torch.tanh(torch.zeros(1)).item() == 0.0


def test_a_forbidden_module_cannot_be_imported_nor_named(zygote) -> None:
    """Forbidding a module covers everything in it, for the static scan and in the sandbox."""
    from grader.forbid import static_scan
    from grader.sandbox.host import ForbiddenAPIError

    source = SOURCE + "\n\ndef parse(text):\n    import xml.dom.minidom\n    return 1\n"
    assert static_scan("from xml.dom.minidom import parseString\n", ("xml.dom.minidom",)) \
        == ["xml.dom.minidom"]
    session = _session(zygote, source, forbidden=("xml.dom.minidom",))
    try:
        with pytest.raises(ForbiddenAPIError):
            Remote(session).parse("<a/>")
        assert "xml.dom.minidom" in session.forbidden_used
    finally:
        session.close()


def test_learner_code_a_factory_runs_is_still_under_the_tripwires(zygote) -> None:
    """Factories build fixtures with the tripwires suspended; a learner function one of them
    calls (a model builder, a tokenizer) runs with them armed."""
    from grader.sandbox.host import ForbiddenAPIError

    source = SOURCE + "\n\ndef sneaky(x):\n    return torch.nn.functional.dropout(x, 0.5)\n" \
        "\n\ndef honest(x):\n    return x + 1\n"
    names = ("torch.nn.functional.dropout", "torch.dropout")
    session = _session(zygote, source, forbidden=names)
    try:
        sub = Remote(session)
        assert make(sub, "grader.sandbox.fixtures.common:call", sub.honest,
                    torch.zeros(2)).tolist() == [1.0, 1.0]
        with pytest.raises(ForbiddenAPIError):
            make(sub, "grader.sandbox.fixtures.common:call", sub.sneaky, torch.ones(3))
    finally:
        session.close()


def test_views_with_odd_strides_on_size_one_dimensions_cross() -> None:
    full = torch.arange(100.0).reshape(10, 10)
    for view in (full[::9, ::9][:1, :1], full[::9, ::9], full.t()[:, :1], full[3:4, ::20]):
        assert torch.equal(roundtrip(view), view.contiguous())
