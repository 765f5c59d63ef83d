"""Regenerate everything in grader/pretrained/data: vocabulary, weights, pair dataset.

    python -m grader.pretrained.make_bert            # about 3 minutes on one CPU core

Steps: generate the synthetic corpus (:func:`grader.pretrained.language.corpus`, seeded),
pretrain a small BERT on it with masked language modelling + next sentence prediction, save
the encoder's weights (the MLM and NSP heads are dropped: fine-tuning adds its own head),
write the vocabulary and the labelled sentence pairs (train/test TSV), and a metadata file
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


def pretraining_examples(paragraphs: list[list[list[int]]], vocab: Vocab,
                         rng: random.Random, gen: torch.Generator):
    """One epoch of (NSP pair, MLM masks) examples as padded tensors, in a random order.

    ``paragraphs`` hold token ids. NSP: each pair of consecutive sentences keeps its true
    second sentence with probability 0.5, else gets a random sentence of another paragraph.
    MLM (vectorized): 15% of the non-special positions of each input (at least one) are
    chosen; 80% of them become <mask>, 10% a random word, 10% stay; the labels are the
    original tokens.
    """
    cls, sep, pad, mask = vocab["<cls>"], vocab["<sep>"], vocab["<pad>"], vocab["<mask>"]
    rows, segs, nsp = [], [], []
    for p, sentences in enumerate(paragraphs):
        for a, b in zip(sentences, sentences[1:]):
            is_next = rng.random() < 0.5
            if not is_next:
                q = rng.randrange(len(paragraphs) - 1)
                b = rng.choice(paragraphs[q + (q >= p)])
            rows.append([cls] + a + [sep] + b + [sep])
            segs.append([0] * (len(a) + 2) + [1] * (len(b) + 1))
            nsp.append(int(is_next))
    order = list(range(len(rows)))
    rng.shuffle(order)
    steps = max(len(r) for r in rows)
    tokens = torch.tensor([rows[i] + [pad] * (steps - len(rows[i])) for i in order])
    segments = torch.tensor([segs[i] + [0] * (steps - len(segs[i])) for i in order])
    nsp_labels = torch.tensor([nsp[i] for i in order])
    valid_lens = torch.tensor([len(rows[i]) for i in order])
    n = len(order)
    candidate = (tokens != cls) & (tokens != sep) & (tokens != pad)
    num_preds = torch.clamp(torch.round(0.15 * valid_lens.double()).long(), min=1)
    keys = torch.rand(n, steps, generator=gen).masked_fill(~candidate, 2.0)
    max_preds = int(num_preds.max())
    # The first num_preds columns of a random order of the candidates are the chosen ones;
    # sort them by position, with the unused slots (weight 0) last.
    positions = keys.argsort(dim=1)[:, :max_preds]
    used = torch.arange(max_preds)[None, :] < num_preds[:, None]
    positions = torch.where(used, positions, torch.full_like(positions, steps))
    positions = positions.sort(dim=1).values
    weights = (positions < steps).float()
    positions = positions.masked_fill(positions == steps, 0)
    labels = tokens.gather(1, positions)
    r = torch.rand(n, max_preds, generator=gen)
    # Specials come first in the vocabulary, so ids above <mask> are the words.
    words = torch.randint(mask + 1, len(vocab), (n, max_preds), generator=gen)
    new = torch.where(r < 0.8, torch.full_like(labels, mask), torch.where(r < 0.9, words, labels))
    rows_idx = torch.arange(n)[:, None].expand_as(positions)
    chosen = weights.bool()
    tokens[rows_idx[chosen], positions[chosen]] = new[chosen]
    labels = labels * chosen
    return tokens, segments, valid_lens, positions, weights, labels, nsp_labels


def pretrain(steps: int = 1500, batch_size: int = 128, lr: float = 2e-3, seed: int = 0,
             num_paragraphs: int = NUM_PARAGRAPHS, log_every: int = 200, dropout: float = 0.1,
             device: str = "cpu", restate: float = language.RESTATE
             ) -> tuple[BERTEncoder, Vocab, dict]:
    """Pretrain a fresh encoder; returns it (dropout reset to 0), its vocab and metrics."""
    torch.manual_seed(seed)
    rng = random.Random(seed)
    vocab = Vocab(language.vocabulary_tokens())
    gen = torch.Generator().manual_seed(seed)
    paragraphs = [[vocab[s] for s in p] for p in language.corpus(CORPUS_SEED, num_paragraphs, restate)]
    encoder = BERTEncoder(len(vocab), dropout=dropout, **CONFIG)
    model = PretrainingBERT(encoder, len(vocab)).to(device)
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
            data, cursor = pretraining_examples(paragraphs, vocab, rng, gen), 0
        tokens, segments, valid_lens, positions, weights, labels, nsp = (
            t[cursor:cursor + batch_size].to(device) for t in data)
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
    clean.load_state_dict({k: v.cpu() for k, v in encoder.state_dict().items()})
    return clean.eval(), vocab, metrics


def write_pairs(path: Path, pairs) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(["label", "sentence_a", "sentence_b"])
        for a, b, label in pairs:
            writer.writerow([label, " ".join(a), " ".join(b)])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1500)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1,
                        help="torch threads (1 is fastest on a busy machine)")
    parser.add_argument("--out", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    encoder, vocab, metrics = pretrain(args.steps, args.batch_size, args.lr, args.seed,
                                       log_every=max(1, args.steps // 10))
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
