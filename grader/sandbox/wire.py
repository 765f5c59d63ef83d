"""Values that cross between the checker and the sandbox: data only, never code.

A *frame* is ``MAGIC``, the length of a JSON header and the length of a blob section (two
little-endian 64-bit integers), the UTF-8 JSON, then the blobs. Tensors, numpy arrays and
bytes travel as raw little-endian buffers in the blob section, described in the JSON by
dtype, shape and offset; everything else is JSON with a few tagged objects:

====================  =========================================================
``{"$tuple": [...]}``  a tuple
``{"$dict": [[k, v]]}``  a dict with any encodable keys (order kept)
``{"$tensor": {...}}``  dtype, shape, device, requires_grad, grad_fn, off, len
``{"$ndarray": {...}}``  a numpy array (numeric and bool dtypes only)
``{"$np": [dtype, v]}``  a numpy scalar
``{"$bytes": [off, len]}``  bytes
``{"$float": "nan"}``  NaN and the infinities
``{"$complex": [re, im]}``  a complex number
``{"$dtype": "float32"}``, ``{"$device": "cuda:0"}``, ``{"$slice": [a, b, c]}``
``{"$handle": {...}}``  an object that stays in the sandbox (id, type, mro, callable)
``{"$ref": id}``       the checker naming a handle back to the sandbox
``{"$name": "X"}``     the checker naming a top-level name of the submission
====================  =========================================================

Decoding is :func:`json.loads` plus buffer copies: it never imports, calls or unpickles
anything named by the data, and it enforces size, depth and count limits, so the checker
can read whatever a hostile sandbox sends: anything malformed raises :class:`WireError` (never
another exception type a check could mistake for one the learner's code raised). The same
module runs in the sandbox.
"""

from __future__ import annotations

import json
import math
import os
import select
import socket
import struct
import time
from typing import Any, Callable

MAGIC = b"LRN1"
HEADER = struct.Struct("<4sQQ")
MAX_JSON = 8 * 1024 * 1024
"""Largest JSON part of a frame."""
MAX_BLOBS = 1024 * 1024 * 1024
"""Largest blob section of a frame (tensor data)."""
MAX_DEPTH = 48
MAX_NODES = 2_000_000
MAX_DIMS = 16
MAX_CALLS = 4096
"""Most calls in one ``calls`` request (:func:`grader.sandbox.host.call_each`)."""

TENSOR_DTYPES = ("float16", "bfloat16", "float32", "float64", "complex64", "complex128",
                 "uint8", "int8", "int16", "int32", "int64", "bool")
NUMPY_DTYPES = ("float16", "float32", "float64", "complex64", "complex128", "uint8", "uint16",
                "uint32", "uint64", "int8", "int16", "int32", "int64", "bool")


class WireError(Exception):
    """The other side sent something that is not a valid frame or value."""


class PeerClosed(WireError):
    """The other side closed the connection (its process ended)."""


class PeerTimeout(WireError):
    """No complete reply before the deadline."""


# ---------------------------------------------------------------- frames


def send_frame(sock: socket.socket, message: Any, blobs: list[bytes] | None = None,
               fds: list[int] | None = None) -> None:
    """Send a JSON-able ``message`` with raw ``blobs`` (and, on Unix sockets, ``fds``)."""
    body = json.dumps(message, separators=(",", ":"), allow_nan=False).encode("utf-8")
    blob = b"".join(blobs or ())
    head = HEADER.pack(MAGIC, len(body), len(blob))
    if fds:
        socket.send_fds(sock, [head], fds)
        sock.sendall(body)
    else:
        sock.sendall(head + body)
    if blob:
        sock.sendall(blob)


def _recv_exact(sock: socket.socket, size: int, deadline: float | None,
                fds: list[int] | None = None) -> bytearray:
    chunks = bytearray()
    while len(chunks) < size:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise PeerTimeout("timed out")
            ready, _, _ = select.select([sock], [], [], left)
            if not ready:
                raise PeerTimeout("timed out")
        try:
            if fds is not None and not chunks:
                data, got, _, _ = socket.recv_fds(sock, min(size, 1 << 20), 4)
                fds.extend(got)
            else:
                data = sock.recv(min(size - len(chunks), 1 << 22))
        except (ConnectionResetError, BrokenPipeError) as exc:
            raise PeerClosed(str(exc)) from None
        except InterruptedError:
            continue
        if not data:
            raise PeerClosed("connection closed")
        chunks += data
    return chunks  # not copied again: a reply may be hundreds of megabytes


def recv_frame(sock: socket.socket, deadline: float | None = None, *,
               max_blobs: int = MAX_BLOBS, want_fds: bool = False
               ) -> tuple[Any, memoryview, list[int]]:
    """(message, blobs, fds) of the next frame; :class:`WireError` if it is malformed."""
    fds: list[int] = []
    head = _recv_exact(sock, HEADER.size, deadline, fds if want_fds else None)
    magic, body_len, blob_len = HEADER.unpack(head)
    if magic != MAGIC:
        raise WireError("not a frame of the grading protocol")
    if body_len > MAX_JSON:
        raise WireError(f"a message of {body_len} bytes, over the limit of {MAX_JSON}")
    if blob_len > max_blobs:
        raise WireError(f"{blob_len} bytes of data in one reply, over the limit of {max_blobs}")
    body = _recv_exact(sock, body_len, deadline)
    blob = _recv_exact(sock, blob_len, deadline) if blob_len else bytearray()
    try:
        message = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise WireError(f"a message that is not valid JSON ({type(exc).__name__})") from None
    return message, memoryview(blob), fds


# ---------------------------------------------------------------- values


class Encoder:
    """Turns a value into JSON-able data plus blobs.

    ``on_object`` decides what to do with anything that is not plain data (the sandbox
    registers it as a handle; the checker refuses it or encodes a handle reference).
    """

    def __init__(self, on_object: Callable[[Any], Any]) -> None:
        self.blobs: list[bytes] = []
        self.size = 0
        self.on_object = on_object
        self._seen: dict[int, int] = {}

    def _blob(self, data: bytes) -> list[int]:
        offset = self.size
        self.blobs.append(data)
        self.size += len(data)
        return [offset, len(data)]

    def encode(self, value: Any, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise WireError("value nested too deeply")
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, int):
            return value if abs(value) < 2**63 else {"$bigint": str(value)}
        if isinstance(value, float):
            return value if math.isfinite(value) else {"$float": repr(value)}
        if isinstance(value, complex):
            return {"$complex": [self.encode(value.real, depth + 1),
                                 self.encode(value.imag, depth + 1)]}
        kind = type(value)
        if kind is list:
            return [self.encode(v, depth + 1) for v in value]
        if kind is tuple or _is_torch_size(value):
            return {"$tuple": [self.encode(v, depth + 1) for v in value]}
        if kind is dict or _is_ordered_dict(value):
            return {"$dict": [[self.encode(k, depth + 1), self.encode(v, depth + 1)]
                              for k, v in value.items()]}
        if kind in (bytes, bytearray):
            return {"$bytes": self._blob(bytes(value))}
        if kind is slice:
            return {"$slice": [self.encode(value.start, depth + 1),
                               self.encode(value.stop, depth + 1),
                               self.encode(value.step, depth + 1)]}
        torch = _torch()
        if torch is not None:
            if isinstance(value, torch.Tensor):
                return self._tensor(value)
            if isinstance(value, torch.dtype):
                return {"$dtype": str(value).replace("torch.", "")}
            if isinstance(value, torch.device):
                return {"$device": str(value)}
        np = _numpy()
        if np is not None:
            if isinstance(value, np.ndarray):
                return self._ndarray(value)
            if isinstance(value, np.generic) and value.dtype.name in NUMPY_DTYPES:
                return {"$np": [value.dtype.name, self.encode(value.item(), depth + 1)]}
        return self.on_object(value)

    def _tensor(self, value: Any) -> Any:
        torch = _torch()
        key = id(value)
        if key in self._seen:
            return {"$same": self._seen[key]}
        with torch.no_grad():
            plain = torch.Tensor.detach(value)
            dtype = str(plain.dtype).replace("torch.", "")
            if dtype not in TENSOR_DTYPES:
                raise WireError(f"tensors of dtype {dtype} cannot be sent")
            if plain.is_sparse or plain.layout != torch.strided:
                plain = plain.to_dense()
            device = str(plain.device)
            cpu = plain.to("cpu").resolve_conj().resolve_neg().contiguous()
            if cpu.numel():
                flat = cpu.reshape(-1)
                if flat.stride() != (1,):  # a size-1 dimension kept an odd stride
                    flat = flat.clone(memory_format=torch.contiguous_format)
                raw = flat.view(torch.uint8) if dtype != "bool" else flat.to(torch.uint8)
                data = raw.numpy().tobytes()
            else:
                data = b""
        meta = {"dtype": dtype, "shape": list(plain.shape), "device": device,
                "rg": bool(value.requires_grad), "fn": value.grad_fn is not None,
                "at": self._blob(data), "id": len(self._seen)}
        self._seen[key] = meta["id"]
        return {"$tensor": meta}

    def _ndarray(self, value: Any) -> Any:
        if value.dtype.name not in NUMPY_DTYPES:
            raise WireError(f"numpy arrays of dtype {value.dtype} cannot be sent")
        np = _numpy()
        data = np.ascontiguousarray(value).astype(value.dtype.newbyteorder("<"), copy=False)
        meta = {"dtype": value.dtype.name, "shape": list(value.shape),
                "at": self._blob(data.tobytes())}
        # Numbered like tensors, so that an in-place change the other side reports names it
        # (the first time an array is sent in a message; a repeat is an untracked copy).
        if id(value) not in self._seen:
            meta["id"] = len(self._seen)
            self._seen[id(value)] = meta["id"]
        return {"$ndarray": meta}


class Decoder:
    """Rebuilds values from :class:`Encoder` data; ``on_handle``/``on_ref``/``on_name`` map
    the tagged objects (each side allows only the tags it expects)."""

    def __init__(self, blobs: memoryview, *, on_handle: Callable[[dict[str, Any]], Any] | None = None,
                 on_ref: Callable[[Any], Any] | None = None,
                 on_name: Callable[[Any], Any] | None = None,
                 device: Any = None, earlier: dict[int, tuple[str, Any]] | None = None) -> None:
        self.blobs = blobs
        self.earlier = {} if earlier is None else earlier
        """Tensors and arrays (by wire id) that earlier decoders of the same frame met: a
        ``$same`` of one of them is rebuilt here as a fresh copy (the calls of a ``calls``
        request each get their own arguments)."""
        self.on_handle = on_handle
        self.on_ref = on_ref
        self.on_name = on_name
        self.device = device
        self.nodes = 0
        self._tensors: dict[int, Any] = {}

    def decode(self, data: Any) -> Any:
        """The value ``data`` stands for; :class:`WireError` if it is malformed in any way.

        An exception raised by one of the callbacks (``on_ref``, ``on_name``, ...) passes
        through unchanged; anything else that goes wrong while rebuilding a value (a
        tensor torch refuses to build, a numpy scalar out of range, a device this machine
        does not have) becomes a :class:`WireError`.
        """
        try:
            return self._value(data, 0)
        except _Passthrough as wrapped:
            raise wrapped.exc from None
        except WireError:
            raise
        except (Exception, RecursionError) as exc:  # noqa: BLE001 - hostile data
            raise WireError(f"a value that cannot be rebuilt ({type(exc).__name__})") from None

    def _callback(self, function: Callable[[Any], Any], body: Any) -> Any:
        try:
            return function(body)
        except WireError:
            raise
        except BaseException as exc:  # noqa: BLE001 - re-raised by decode()
            raise _Passthrough(exc) from None

    def _value(self, data: Any, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise WireError("a reply with too many values")
        if depth > MAX_DEPTH:
            raise WireError("a reply nested too deeply")
        if data is None or isinstance(data, (bool, int, float, str)):
            return data
        if isinstance(data, list):
            return [self._value(v, depth + 1) for v in data]
        if not isinstance(data, dict) or len(data) != 1:
            raise WireError("a reply with an unknown kind of value")
        (tag, body), = data.items()
        if tag == "$tuple" and isinstance(body, list):
            return tuple(self._value(v, depth + 1) for v in body)
        if tag == "$dict" and isinstance(body, list):
            out = {}
            for pair in body:
                if not isinstance(pair, list) or len(pair) != 2:
                    raise WireError("a malformed dict in a reply")
                key = self._value(pair[0], depth + 1)
                try:
                    out[key] = self._value(pair[1], depth + 1)
                except TypeError:
                    raise WireError("a dict key that cannot be a key") from None
            return out
        if tag == "$tensor" and isinstance(body, dict):
            return self._tensor(body)
        if tag == "$same" and isinstance(body, int) and body in self._tensors:
            return self._tensors[body]
        if tag == "$same" and isinstance(body, int) and body in self.earlier:
            kind, meta = self.earlier[body]
            return self._tensor(meta) if kind == "$tensor" else self._ndarray(meta)
        if tag == "$ndarray" and isinstance(body, dict):
            return self._ndarray(body)
        if tag == "$np" and isinstance(body, list) and len(body) == 2 and body[0] in NUMPY_DTYPES:
            np = _numpy()
            value = self._value(body[1], depth + 1)
            if not isinstance(value, (bool, int, float, complex)):
                raise WireError("a malformed numpy scalar")
            try:
                return np.dtype(body[0]).type(value)
            except (OverflowError, ValueError, TypeError):
                raise WireError("a numpy scalar out of the range of its dtype") from None
        if tag == "$bytes":
            return bytes(self._slice(body))
        if tag == "$float" and body in ("nan", "inf", "-inf"):
            return float(body)
        if tag == "$complex" and isinstance(body, list) and len(body) == 2:
            real, imag = (self._value(v, depth + 1) for v in body)
            if not all(type(v) in (int, float) for v in (real, imag)):
                raise WireError("a malformed complex number")
            return complex(real, imag)
        if tag == "$bigint" and isinstance(body, str) and len(body) < 400:
            try:
                return int(body)
            except ValueError:
                raise WireError("a malformed integer") from None
        if tag == "$slice" and isinstance(body, list) and len(body) == 3:
            parts = [self._value(v, depth + 1) for v in body]
            if not all(p is None or isinstance(p, int) for p in parts):
                raise WireError("a malformed slice")
            return slice(*parts)
        if tag == "$dtype" and body in TENSOR_DTYPES:
            return getattr(_torch(), body)
        if tag == "$device" and isinstance(body, str) and len(body) < 20:
            return _device(body)
        if tag == "$handle" and self.on_handle is not None and isinstance(body, dict):
            return self._callback(self.on_handle, body)
        if tag == "$ref" and self.on_ref is not None:
            return self._callback(self.on_ref, body)
        if tag == "$name" and self.on_name is not None and isinstance(body, str):
            return self._callback(self.on_name, body)
        raise WireError(f"a reply with an unexpected value ({str(tag)[:40]!r})")

    def _slice(self, at: Any) -> memoryview:
        if (not isinstance(at, list) or len(at) != 2 or not all(type(v) is int for v in at)
                or at[0] < 0 or at[1] < 0 or at[0] + at[1] > len(self.blobs)):
            raise WireError("a reply pointing outside its data")
        return self.blobs[at[0]: at[0] + at[1]]

    @staticmethod
    def _shape(shape: Any) -> tuple[int, ...]:
        if (not isinstance(shape, list) or len(shape) > MAX_DIMS
                or not all(type(s) is int and 0 <= s < 2**40 for s in shape)):
            raise WireError("a tensor with a malformed shape")
        return tuple(shape)

    def _tensor(self, meta: dict[str, Any]) -> Any:
        torch = _torch()
        dtype_name = meta.get("dtype")
        if dtype_name not in TENSOR_DTYPES:
            raise WireError("a tensor of an unknown dtype")
        dtype = getattr(torch, dtype_name)
        shape = self._shape(meta.get("shape"))
        raw = self._slice(meta.get("at"))
        numel = math.prod(shape)
        itemsize = torch.empty((), dtype=dtype).element_size()
        if len(raw) != numel * itemsize:
            raise WireError("a tensor whose data does not match its shape and dtype")
        if numel == 0:
            tensor = torch.empty(shape, dtype=dtype)
        elif dtype_name == "bool":
            tensor = torch.frombuffer(bytearray(raw), dtype=torch.uint8).reshape(shape).to(torch.bool)
        else:
            tensor = torch.frombuffer(bytearray(raw), dtype=dtype).reshape(shape)
        device = meta.get("device")
        if not isinstance(device, str) or len(device) > 20:
            raise WireError("a tensor with a malformed device")
        target = _device(device)
        if target.type not in ("cpu", "cuda"):
            raise WireError(f"a tensor on the {target.type} device")
        if target.type == "cuda" and not torch.cuda.is_available():
            raise WireError("a CUDA tensor, on a machine without CUDA")
        if target.type != "cpu":
            if self.device is not None and target.type == self.device.type:
                tensor = tensor.to(self.device)
            else:
                tensor = tensor.to(target)
        if meta.get("rg") is True and (tensor.is_floating_point() or tensor.is_complex()):
            tensor.requires_grad_(True)
        ident = meta.get("id")
        if isinstance(ident, int):
            self._tensors[ident] = tensor
            self.earlier.setdefault(ident, ("$tensor", meta))
        return tensor

    def _ndarray(self, meta: dict[str, Any]) -> Any:
        np = _numpy()
        name = meta.get("dtype")
        if name not in NUMPY_DTYPES:
            raise WireError("an array of an unknown dtype")
        shape = self._shape(meta.get("shape"))
        raw = self._slice(meta.get("at"))
        dtype = np.dtype(name).newbyteorder("<")
        if len(raw) != math.prod(shape) * dtype.itemsize:
            raise WireError("an array whose data does not match its shape and dtype")
        array = np.frombuffer(bytes(raw), dtype=dtype).astype(np.dtype(name)).reshape(shape)
        ident = meta.get("id")
        if isinstance(ident, int):
            self._tensors[ident] = array
            self.earlier.setdefault(ident, ("$ndarray", meta))
        return array


class _Passthrough(Exception):
    """Carries an exception raised by a decoder callback out of :meth:`Decoder.decode`."""

    def __init__(self, exc: BaseException) -> None:
        super().__init__()
        self.exc = exc


def _device(text: str) -> Any:
    torch = _torch()
    try:
        device = torch.device(text)
    except (RuntimeError, TypeError):
        raise WireError("a malformed device") from None
    if device.type not in ("cpu", "cuda", "meta"):
        raise WireError(f"a tensor on an unsupported device ({device.type})")
    return device


def _torch() -> Any:
    import sys

    return sys.modules.get("torch")


def _numpy() -> Any:
    import sys

    return sys.modules.get("numpy")


def _is_torch_size(value: Any) -> bool:
    torch = _torch()
    return torch is not None and type(value) is torch.Size


def _is_ordered_dict(value: Any) -> bool:
    import collections

    return type(value) is collections.OrderedDict


def cotangent_like(shape: tuple[int, ...], dtype: Any, device: Any, seed: int) -> Any:
    """The seeded cotangent both sides build for a vector-Jacobian product."""
    import torch

    gen = torch.Generator().manual_seed(int(seed) & 0x7FFFFFFF)
    if dtype.is_complex:
        return torch.randn(tuple(shape), generator=gen, dtype=torch.complex128).to(dtype).to(device)
    return torch.randn(tuple(shape), generator=gen, dtype=torch.float64).to(dtype).to(device)


def close_quietly(*fds: int) -> None:
    for fd in fds:
        try:
            os.close(fd)
        except OSError:
            pass
