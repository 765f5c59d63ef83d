"""Regenerate everything in grader/pretrained/data: vocabulary, weights, pair dataset.

    python -m grader.pretrained.make_bert            # a few minutes on 2 CPU cores

Steps: generate the synthetic corpus (:func:`grader.pretrained.language.corpus`, seeded),
pretrain a small BERT on it with masked language modelling + next sentence prediction, save
the encoder's weights (the MLM and NSP heads are dropped: fine-tuning adds its own head),
write the vocabulary and the labelled paraphrase pairs (train/test TSV), and a metadata file
with the settings and the final pretraining metrics.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import time
from pathlib import Path

import torch
from torch import nn
from torch.nn import functional as F

from grader.pretrained import language
from grader.pretrained.bert import CONFIG, DATA_DIR, BERTEncoder, Vocab

CORPUS_SEED = 0
NUM_PARAGRAPHS = 20000
TRAIN_PAIRS_SEED, NUM_TRAIN_PAIRS = 101, 1000
TEST_PAIRS_SEED, NUM_TEST_PAIRS = 202, 1000


class MaskLM(nn.Module):
    """Predicts the original token at each masked position from its encoding."""

    def __init__(self, vocab_size: int, num_hiddens: int):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(num_hiddens, num_hiddens), nn.ReLU(),
                                 nn.LayerNorm(num_hiddens), nn.Linear(num_hiddens, vocab_size))

    def forward(self, X: torch.Tensor, pred_positions: torch.Tensor) -> torch.Tensor:
        rows = torch.arange(X.shape[0], device=X.device)[:, None]
        return self.mlp(X[rows, pred_positions])


class PretrainingBERT(nn.Module):
    """The encoder with the two pretraining heads (MLM, and NSP on the <cls> vector)."""

    def __init__(self, encoder: BERTEncoder, vocab_size: int):
        super().__init__()
        d = encoder.num_hiddens
        self.encoder = encoder
        self.mlm = MaskLM(vocab_size, d)
        self.hidden = nn.Sequential(nn.Linear(d, d), nn.Tanh())
        self.nsp = nn.Linear(d, 2)

    def forward(self, tokens, segments, valid_lens, pred_positions):
        X = self.encoder(tokens, segments, valid_lens)
        return self.mlm(X, pred_positions), self.nsp(self.hidden(X[:, 0]))


def _pair_input(a: list[str], b: list[str]) -> tuple[list[str], list[int]]:
    return ["<cls>"] + a + ["<sep>"] + b + ["<sep>"], [0] * (len(a) + 2) + [1] * (len(b) + 1)


def _mask(tokens: list[str], words: list[str], rng: random.Random
          ) -> tuple[list[str], list[int], list[str]]:
    """BERT's masking: 15% of the non-special positions; 80% <mask>, 10% random, 10% kept."""
    candidates = [i for i, t in enumerate(tokens) if t not in ("<cls>", "<sep>")]
    rng.shuffle(candidates)
    chosen = sorted(candidates[:max(1, round(0.15 * len(tokens)))])
    masked = list(tokens)
    for i in chosen:
        r = rng.random()
        if r < 0.8:
            masked[i] = "<mask>"
        elif r < 0.9:
            masked[i] = rng.choice(words)
    return masked, chosen, [tokens[i] for i in chosen]


def pretraining_examples(paragraphs, vocab: Vocab, words: list[str], rng: random.Random):
    """One epoch of (NSP pair, MLM masks) examples as padded tensors, in a random order."""
    rows = []
    for p, sentences in enumerate(paragraphs):
        for a, b in zip(sentences, sentences[1:]):
            is_next = rng.random() < 0.5
            if not is_next:
                q = rng.randrange(len(paragraphs) - 1)
                other = paragraphs[q + (q >= p)]
                b = rng.choice(other)
            tokens, segments = _pair_input(a, b)
            masked, positions, labels = _mask(tokens, words, rng)
            rows.append((vocab[masked], segments, positions, vocab[labels], int(is_next)))
    rng.shuffle(rows)
    steps = max(len(r[0]) for r in rows)
    preds = max(len(r[2]) for r in rows)
    pad = vocab["<pad>"]
    tokens = torch.tensor([t + [pad] * (steps - len(t)) for t, *_ in rows])
    segments = torch.tensor([s + [0] * (steps - len(s)) for _, s, *_ in rows])
    valid_lens = torch.tensor([len(t) for t, *_ in rows])
    positions = torch.tensor([p + [0] * (preds - len(p)) for _, _, p, _, _ in rows])
    weights = torch.tensor([[1.0] * len(p) + [0.0] * (preds - len(p)) for _, _, p, _, _ in rows])
    labels = torch.tensor([y + [0] * (preds - len(y)) for _, _, _, y, _ in rows])
    nsp = torch.tensor([r[4] for r in rows])
    return tokens, segments, valid_lens, positions, weights, labels, nsp


def pretrain(steps: int = 3000, batch_size: int = 128, lr: float = 2e-3, seed: int = 0,
             num_paragraphs: int = NUM_PARAGRAPHS, log_every: int = 200, dropout: float = 0.1
             ) -> tuple[BERTEncoder, Vocab, dict]:
    """Pretrain a fresh encoder; returns it (dropout reset to 0), its vocab and metrics."""
    torch.manual_seed(seed)
    rng = random.Random(seed)
    vocab = Vocab(language.vocabulary_tokens())
    words = [t for t in vocab.idx_to_token if not t.startswith("<")]
    paragraphs = language.corpus(CORPUS_SEED, num_paragraphs)
    encoder = BERTEncoder(len(vocab), dropout=dropout, **CONFIG)
    model = PretrainingBERT(encoder, len(vocab))
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    warmup = max(1, steps // 20)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.05, (steps - s) / (steps - warmup))))
    model.train()
    step, start, data, cursor = 0, time.time(), None, 0
    recent = {"mlm_loss": 0.0, "mlm_acc": 0.0, "nsp_loss": 0.0, "nsp_acc": 0.0, "n": 0}
    metrics: dict = {}
    while step < steps:
        if data is None or cursor + batch_size > len(data[0]):
            data, cursor = pretraining_examples(paragraphs, vocab, words, rng), 0
        tokens, segments, valid_lens, positions, weights, labels, nsp = (
            t[cursor:cursor + batch_size] for t in data)
        cursor += batch_size
        width = int(valid_lens.max())
        mlm_logits, nsp_logits = model(tokens[:, :width], segments[:, :width], valid_lens,
                                       positions)
        per_token = F.cross_entropy(mlm_logits.reshape(-1, len(vocab)), labels.reshape(-1),
                                    reduction="none").reshape(labels.shape)
        mlm_loss = (per_token * weights).sum() / weights.sum()
        nsp_loss = F.cross_entropy(nsp_logits, nsp)
        optimizer.zero_grad()
        (mlm_loss + nsp_loss).backward()
        optimizer.step()
        schedule.step()
        step += 1
        with torch.no_grad():
            hits = ((mlm_logits.argmax(-1) == labels).float() * weights).sum() / weights.sum()
            recent["mlm_loss"] += float(mlm_loss)
            recent["mlm_acc"] += float(hits)
            recent["nsp_loss"] += float(nsp_loss)
            recent["nsp_acc"] += float((nsp_logits.argmax(-1) == nsp).float().mean())
            recent["n"] += 1
        if step % log_every == 0 or step == steps:
            n = recent.pop("n")
            metrics = {k: round(v / n, 4) for k, v in recent.items()}
            print(f"step {step:5d}  " + "  ".join(f"{k} {v:.3f}" for k, v in metrics.items())
                  + f"  ({time.time() - start:.0f} s)", flush=True)
            recent = {k: 0.0 for k in recent} | {"n": 0}
    metrics["seconds"] = round(time.time() - start, 1)
    clean = BERTEncoder(len(vocab), dropout=0.0, **CONFIG)
    clean.load_state_dict(encoder.state_dict())
    return clean.eval(), vocab, metrics


def write_pairs(path: Path, pairs) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(["label", "sentence_a", "sentence_b"])
        for a, b, label in pairs:
            writer.writerow([label, " ".join(a), " ".join(b)])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    encoder, vocab, metrics = pretrain(args.steps, args.batch_size, args.lr, args.seed)
    state = {k: v.detach().clone().contiguous() for k, v in encoder.state_dict().items()}
    torch.save(state, out / "bert_small.pt")
    (out / "vocab.txt").write_text("\n".join(vocab.idx_to_token) + "\n", encoding="utf-8")
    write_pairs(out / "pairs_train.tsv",
                language.make_pairs(TRAIN_PAIRS_SEED, NUM_TRAIN_PAIRS, CORPUS_SEED))
    write_pairs(out / "pairs_test.tsv",
                language.make_pairs(TEST_PAIRS_SEED, NUM_TEST_PAIRS, CORPUS_SEED))
    meta = {"config": CONFIG, "vocab_size": len(vocab), "steps": args.steps,
            "batch_size": args.batch_size, "lr": args.lr, "seed": args.seed,
            "corpus_seed": CORPUS_SEED, "num_paragraphs": NUM_PARAGRAPHS,
            "pairs": {"train": [TRAIN_PAIRS_SEED, NUM_TRAIN_PAIRS],
                      "test": [TEST_PAIRS_SEED, NUM_TEST_PAIRS]},
            "final_metrics": metrics, "torch": torch.__version__}
    (out / "meta.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
