"""A small BERT encoder, its vocabulary, its pretrained weights and a sentence-pair dataset.

The encoder follows d2l's interface: ``encoder(tokens, segments, valid_lens)`` maps token ids
``(batch, num_steps)``, segment ids ``(batch, num_steps)`` and the valid lengths ``(batch,)``
to one vector per position, ``(batch, num_steps, num_hiddens)``. Inside: token + segment +
learned positional embeddings, then Transformer encoder blocks (multi-head self-attention
whose keys beyond ``valid_lens`` are masked, a position-wise feed-forward network, each
followed by a residual connection and layer normalization, "post-LN" as in d2l).

The weights in ``data/`` were made by ``python -m grader.pretrained.make_bert`` (masked
language modelling + next sentence prediction on the synthetic language of
:mod:`grader.pretrained.language`); nothing is downloaded.
"""

from __future__ import annotations

import copy
import csv
import functools
import math
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

import torch
from torch import nn

from grader.pretrained import language

DATA_DIR = Path(__file__).resolve().parent / "data"
WEIGHTS_FILE = DATA_DIR / "bert_small.pt"
VOCAB_FILE = DATA_DIR / "vocab.txt"
PAIR_FILES = {"train": DATA_DIR / "pairs_train.tsv", "test": DATA_DIR / "pairs_test.tsv"}

CONFIG = {"num_hiddens": 64, "ffn_num_hiddens": 128, "num_heads": 4, "num_blocks": 2,
          "max_len": 32}
"""The architecture of the shipped encoder (``vocab_size`` comes from the vocabulary)."""

LABELS = language.LABELS
"""Pair labels: 0 when sentence B is about another topic than sentence A, 1 when it is about
the same topic (B restates A with synonyms, or says something else on A's topic)."""
NUM_CLASSES = len(LABELS)


class Vocab:
    """Token <-> index, d2l style: ``vocab[token]``, ``vocab[list_of_tokens]``, ``len(vocab)``.

    Unknown tokens map to the index of ``<unk>``.
    """

    def __init__(self, tokens: Iterable[str]):
        self.idx_to_token = list(tokens)
        self.token_to_idx = {token: i for i, token in enumerate(self.idx_to_token)}
        if len(self.token_to_idx) != len(self.idx_to_token):
            raise ValueError("duplicate tokens in the vocabulary")
        for special in ("<pad>", "<unk>", "<cls>", "<sep>", "<mask>"):
            if special not in self.token_to_idx:
                raise ValueError(f"the vocabulary lacks {special}")

    def __len__(self) -> int:
        return len(self.idx_to_token)

    @property
    def unk(self) -> int:
        return self.token_to_idx["<unk>"]

    def __getitem__(self, tokens: str | Sequence[str]) -> int | list[int]:
        if isinstance(tokens, str):
            return self.token_to_idx.get(tokens, self.unk)
        return [self[token] for token in tokens]

    def to_tokens(self, indices: int | Sequence[int]) -> str | list[str]:
        if isinstance(indices, int):
            return self.idx_to_token[indices]
        return [self.idx_to_token[int(i)] for i in indices]


class MultiHeadSelfAttention(nn.Module):
    """Scaled dot-product self-attention with ``num_heads`` heads; padded keys get no weight."""

    def __init__(self, num_hiddens: int, num_heads: int, dropout: float = 0.0):
        super().__init__()
        if num_hiddens % num_heads:
            raise ValueError("num_hiddens must be a multiple of num_heads")
        self.num_heads = num_heads
        self.W_q = nn.Linear(num_hiddens, num_hiddens)
        self.W_k = nn.Linear(num_hiddens, num_hiddens)
        self.W_v = nn.Linear(num_hiddens, num_hiddens)
        self.W_o = nn.Linear(num_hiddens, num_hiddens)
        self.dropout = nn.Dropout(dropout)

    def _split(self, X: torch.Tensor) -> torch.Tensor:
        batch, steps, hiddens = X.shape
        return X.reshape(batch, steps, self.num_heads, hiddens // self.num_heads).transpose(1, 2)

    def forward(self, X: torch.Tensor, valid_lens: torch.Tensor | None) -> torch.Tensor:
        batch, steps, hiddens = X.shape
        Q, K, V = self._split(self.W_q(X)), self._split(self.W_k(X)), self._split(self.W_v(X))
        scores = Q @ K.transpose(-1, -2) / math.sqrt(Q.shape[-1])
        if valid_lens is not None:
            # A key at position j >= valid_len is padding: no query may attend to it.
            keep = torch.arange(steps, device=X.device)[None, :] < valid_lens.to(X.device)[:, None]
            scores = scores.masked_fill(~keep[:, None, None, :], -1e9)
        weights = self.dropout(torch.softmax(scores, dim=-1))
        out = (weights @ V).transpose(1, 2).reshape(batch, steps, hiddens)
        return self.W_o(out)


class EncoderBlock(nn.Module):
    """Self-attention and a feed-forward network, each with residual + LayerNorm (post-LN)."""

    def __init__(self, num_hiddens: int, ffn_num_hiddens: int, num_heads: int,
                 dropout: float = 0.0):
        super().__init__()
        self.attention = MultiHeadSelfAttention(num_hiddens, num_heads, dropout)
        self.norm1 = nn.LayerNorm(num_hiddens)
        self.ffn = nn.Sequential(nn.Linear(num_hiddens, ffn_num_hiddens), nn.ReLU(),
                                 nn.Linear(ffn_num_hiddens, num_hiddens))
        self.norm2 = nn.LayerNorm(num_hiddens)
        self.dropout = nn.Dropout(dropout)

    def forward(self, X: torch.Tensor, valid_lens: torch.Tensor | None) -> torch.Tensor:
        X = self.norm1(X + self.dropout(self.attention(X, valid_lens)))
        return self.norm2(X + self.dropout(self.ffn(X)))


class BERTEncoder(nn.Module):
    """BERT's encoder: embeddings (token + segment + learned position) and encoder blocks."""

    def __init__(self, vocab_size: int, num_hiddens: int = 64, ffn_num_hiddens: int = 128,
                 num_heads: int = 4, num_blocks: int = 2, dropout: float = 0.0,
                 max_len: int = 32):
        super().__init__()
        self.num_hiddens = num_hiddens
        self.max_len = max_len
        self.token_embedding = nn.Embedding(vocab_size, num_hiddens)
        self.segment_embedding = nn.Embedding(2, num_hiddens)
        # Learned, not sinusoidal: one free vector per position, as in BERT.
        self.pos_embedding = nn.Parameter(torch.randn(1, max_len, num_hiddens))
        self.blks = nn.ModuleList(EncoderBlock(num_hiddens, ffn_num_hiddens, num_heads, dropout)
                                  for _ in range(num_blocks))

    def forward(self, tokens: torch.Tensor, segments: torch.Tensor,
                valid_lens: torch.Tensor | None = None) -> torch.Tensor:
        steps = tokens.shape[1]
        if steps > self.max_len:
            raise ValueError(f"sequences of {steps} tokens are longer than this encoder's "
                             f"max_len={self.max_len}")
        X = self.token_embedding(tokens) + self.segment_embedding(segments)
        X = X + self.pos_embedding[:, :steps]
        for blk in self.blks:
            X = blk(X, valid_lens)
        return X


def _new_encoder(vocab_size: int, dropout: float) -> BERTEncoder:
    return BERTEncoder(vocab_size, dropout=dropout, **CONFIG)


@functools.lru_cache(maxsize=1)
def _vocab_tokens() -> tuple[str, ...]:
    return tuple(VOCAB_FILE.read_text(encoding="utf-8").split())


def load_vocab() -> Vocab:
    """The vocabulary of the pretrained encoder (a new object each call)."""
    return Vocab(_vocab_tokens())


@functools.lru_cache(maxsize=1)
def _state_dict() -> dict[str, torch.Tensor]:
    return torch.load(WEIGHTS_FILE, map_location="cpu", weights_only=True)


def load_pretrained_encoder(dropout: float = 0.0) -> tuple[BERTEncoder, Vocab]:
    """``(encoder, vocab)``: a fresh copy of the pretrained encoder (on the CPU) each call.

    Changing one copy (fine-tuning it) never changes the next one you load.
    """
    vocab = load_vocab()
    encoder = _new_encoder(len(vocab), dropout)
    encoder.load_state_dict(copy.deepcopy(_state_dict()))
    return encoder, vocab


def random_encoder(seed: int | None = None, dropout: float = 0.0) -> tuple[BERTEncoder, Vocab]:
    """``(encoder, vocab)`` with the pretrained architecture but freshly initialized weights.

    With a ``seed`` the weights are reproducible and torch's global RNG is left as it was.
    """
    vocab = load_vocab()
    if seed is None:
        return _new_encoder(len(vocab), dropout), vocab
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return _new_encoder(len(vocab), dropout), vocab


Pair = tuple[list[str], list[str], int]


@functools.lru_cache(maxsize=2)
def _read_pairs(split: str) -> tuple[tuple[tuple[str, ...], tuple[str, ...], int], ...]:
    with PAIR_FILES[split].open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    if rows[0] != ["label", "sentence_a", "sentence_b"]:
        raise ValueError(f"{PAIR_FILES[split]}: unexpected header {rows[0]}")
    return tuple((tuple(a.split()), tuple(b.split()), int(label)) for label, a, b in rows[1:])


def load_pair_dataset(split: str) -> list[Pair]:
    """The labelled pairs of ``split`` ("train" or "test") as ``(tokens_a, tokens_b, label)``.

    ``label`` is 1 when sentence B is about the same topic as sentence A and 0 when it is
    about another one (see :data:`LABELS`); B never repeats a word of A. Fresh lists each call.
    """
    if split not in PAIR_FILES:
        raise ValueError(f"split must be one of {sorted(PAIR_FILES)}, got {split!r}")
    return [(list(a), list(b), label) for a, b, label in _read_pairs(split)]


Batch = list[Any]
"""``[[tokens, segments, valid_lens], y]``, as a torch ``DataLoader`` collates it."""
TokensAndSegments = Callable[[list[str], "list[str] | None"], tuple[list[str], list[int]]]


def encode_pairs(pairs: Sequence[Pair], vocab: Vocab,
                 get_tokens_and_segments: TokensAndSegments,
                 num_steps: int | None = None) -> Batch:
    """One padded batch ``[[tokens, segments, valid_lens], y]`` for ``pairs``.

    The layout is what a torch ``DataLoader`` yields over d2l's ``SNLIBERTDataset``: its items
    are ``((tokens, segments, valid_lens), y)``, and the default collation turns every tuple
    into a list. Each pair becomes ``get_tokens_and_segments(tokens_a, tokens_b)``; token ids
    are padded with ``<pad>`` and segments with 0 up to ``num_steps`` (default: the longest in
    the batch).
    """
    encoded = [get_tokens_and_segments(list(a), list(b)) for a, b, _ in pairs]
    longest = max(len(tokens) for tokens, _ in encoded)
    steps = longest if num_steps is None else num_steps
    if longest > steps:
        raise ValueError(f"a pair has {longest} tokens, more than num_steps={steps}")
    pad = vocab["<pad>"]
    token_rows, segment_rows, lens = [], [], []
    for tokens, segments in encoded:
        if len(tokens) != len(segments):
            raise ValueError("get_tokens_and_segments returned lists of different lengths")
        token_rows.append(vocab[list(tokens)] + [pad] * (steps - len(tokens)))
        segment_rows.append([int(s) for s in segments] + [0] * (steps - len(segments)))
        lens.append(len(tokens))
    X = [torch.tensor(token_rows, dtype=torch.long), torch.tensor(segment_rows, dtype=torch.long),
         torch.tensor(lens, dtype=torch.long)]
    return [X, torch.tensor([label for _, _, label in pairs], dtype=torch.long)]


class PairBatches:
    """Re-iterable batches of sentence pairs, like d2l's SNLI ``DataLoader``.

    Each batch is ``[[tokens, segments, valid_lens], y]``, lists as a ``DataLoader`` collates
    them (see :func:`encode_pairs`). Each ``iter()`` is one epoch; with ``shuffle`` every epoch
    has a new order, drawn from ``generator`` (reproducible) or from torch's global RNG.
    """

    def __init__(self, pairs: Sequence[Pair], vocab: Vocab, batch_size: int,
                 get_tokens_and_segments: TokensAndSegments, shuffle: bool = False,
                 generator: torch.Generator | None = None, num_steps: int | None = None):
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.pairs = list(pairs)
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.generator = generator
        self._encoded = encode_pairs(self.pairs, vocab, get_tokens_and_segments, num_steps)

    def __len__(self) -> int:
        return -(-len(self.pairs) // self.batch_size)

    def __iter__(self) -> Iterator[Batch]:
        n = len(self.pairs)
        order = torch.randperm(n, generator=self.generator) if self.shuffle else torch.arange(n)
        (tokens, segments, valid_lens), y = self._encoded
        for start in range(0, n, self.batch_size):
            idx = order[start:start + self.batch_size]
            steps = int(valid_lens[idx].max())
            # Lists, not tuples: what a DataLoader's default collation yields.
            yield [[tokens[idx, :steps], segments[idx, :steps], valid_lens[idx]], y[idx]]


def make_pair_batches(pairs: Sequence[Pair], vocab: Vocab, batch_size: int,
                      get_tokens_and_segments: TokensAndSegments, shuffle: bool = False,
                      generator: torch.Generator | None = None) -> PairBatches:
    """Batches ``[[tokens, segments, valid_lens], y]`` of ``pairs`` for an encoder's vocab.

    ``get_tokens_and_segments(tokens_a, tokens_b)`` builds each input (pass your own). Every
    batch is padded to its longest pair; iterate the result once per epoch.
    """
    return PairBatches(pairs, vocab, batch_size, get_tokens_and_segments, shuffle, generator)


@torch.no_grad()
def evaluate_accuracy(model: nn.Module, data_iter: Iterable[Sequence[Any]],
                      device: torch.device | str | None = None) -> float:
    """The fraction of examples whose argmax logit is the label (the model in eval mode)."""
    was_training = model.training
    model.eval()
    if device is None:
        device = next(model.parameters()).device
    correct = total = 0
    for X, y in data_iter:
        logits = model(*[x.to(device) for x in X])
        correct += int((logits.argmax(dim=-1).cpu() == y).sum())
        total += len(y)
    model.train(was_training)
    return correct / total
