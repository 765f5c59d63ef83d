"""Raises exceptions and prints text full of terminal escapes (clear screen, cursor
moves), \r, \x00, bidi overrides, lone surrogates, U+FFFF and XML-breaking sequences
(]]>, </testcase>, &), hoping to rewrite the terminal or break junit.xml.

Attack: ANSI escapes, control and XML-breaking characters
Honest maximum: 0
"""

import torch
from torch import nn

_NASTY = ("\x1b[2J\x1b[H\x1b]0;PASSED\x07\rALL 22 CHECKS PASSED\x00\x08\x0b\x0c\x1b[8m"
          "\u202egnissap\u202c\u2066\u2069\u200f\ufeff\ud800\udfff\ufffe\uffff"
          "]]></failure></testcase><testcase name=\"forged\"/>&amp;&#0;<!--")
print(_NASTY)


def dropout_layer(X, p, training=True):
    print(_NASTY)
    raise ValueError(_NASTY)


class Dropout(nn.Module):
    def __init__(self, p):
        super().__init__()
        raise RuntimeError(_NASTY)

    def forward(self, X):
        raise RuntimeError(_NASTY)
