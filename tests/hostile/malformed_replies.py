"""Writes to the request socket (fd 3) itself, a different attack on every call: a frame
with bad magic, a header claiming 2**60 bytes, JSON nested 100000 deep, a 'success' with
a wrong sequence number, invalid UTF-8, a blob section shorter than it claims.

Attack: malformed, huge, deeply nested replies and wrong seq
Honest maximum: 0
"""

import torch
from torch import nn

import json
import os
import struct

_calls = [0]


def _frame(body, blob_len=0, magic=b"LRN1"):
    return struct.pack("<4sQQ", magic, len(body), blob_len) + body


def _attack():
    _calls[0] += 1
    kind = _calls[0] % 6
    if kind == 0:
        data = _frame(b'{"ok": true}', magic=b"EVIL")
    elif kind == 1:
        data = struct.pack("<4sQQ", b"LRN1", 1 << 60, 1 << 60)
    elif kind == 2:
        data = _frame(b"[" * 100000 + b"]" * 100000)
    elif kind == 3:
        data = _frame(json.dumps({"ok": True, "seq": 10 ** 9, "value": 1.0}).encode())
    elif kind == 4:
        data = _frame(b'{"ok": true, "value": "\xff\xfe"}')
    else:
        data = _frame(b'{"ok": true, "seq": 1, "value": {"$bytes": [0, 100]}}', blob_len=100)
    os.write(3, data)
    return torch.zeros(1)


def dropout_layer(X, p, training=True):
    return _attack()


class Dropout(nn.Module):
    def __init__(self, p):
        super().__init__()
        _attack()

    def forward(self, X):
        return _attack()
