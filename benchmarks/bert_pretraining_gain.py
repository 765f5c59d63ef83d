"""Does pretraining help? Fine-tune the shipped small BERT and a randomly initialized copy.

    python benchmarks/bert_pretraining_gain.py            # about 15 s on one CPU core
    python benchmarks/bert_pretraining_gain.py --seeds 10 --epochs 5

For each seed, the same short fine-tuning run as the end-to-end check of ``bert/fine-tuning``
(the reference solution's four functions, the same data, batch size, learning rates and
epochs) starts once from the pretrained weights and once from random weights of the same
architecture; it prints the held-out accuracy of both, per seed and on average.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.pretrained import (CONFIG, NUM_CLASSES, evaluate_accuracy,  # noqa: E402
                               load_pair_dataset, load_pretrained_encoder, make_pair_batches,
                               random_encoder)

# The end-to-end check's settings (grader/checks/bert/test_fine_tuning.py).
TRAIN_SIZE, BATCH_SIZE, NUM_EPOCHS, BACKBONE_LR, HEAD_LR = 500, 32, 2, 1e-3, 3e-3


def reference():
    path = ROOT / "solutions" / "bert" / "fine_tuning.py"
    spec = importlib.util.spec_from_file_location("bert_fine_tuning_reference", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(ref, encoder, vocab, seed: int, train_size: int = TRAIN_SIZE,
        batch_size: int = BATCH_SIZE, num_epochs: int = NUM_EPOCHS,
        backbone_lr: float = BACKBONE_LR, head_lr: float = HEAD_LR) -> tuple[float, list[float]]:
    """(test accuracy, epoch losses) of one fine-tuning run of ``encoder``."""
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    train = load_pair_dataset("train")[:train_size]
    test = load_pair_dataset("test")
    train_iter = make_pair_batches(train, vocab, batch_size, ref.get_tokens_and_segments,
                                   shuffle=True, generator=gen)
    test_iter = make_pair_batches(test, vocab, 256, ref.get_tokens_and_segments)
    model = ref.BERTClassifier(encoder, CONFIG["num_hiddens"], NUM_CLASSES)
    optimizer = ref.make_optimizer(model, backbone_lr, head_lr)
    losses = ref.fine_tune(model, train_iter, optimizer, num_epochs, torch.device("cpu"))
    return evaluate_accuracy(model, test_iter), losses


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=NUM_EPOCHS)
    parser.add_argument("--train-size", type=int, default=TRAIN_SIZE)
    parser.add_argument("--backbone-lr", type=float, default=BACKBONE_LR)
    parser.add_argument("--head-lr", type=float, default=HEAD_LR)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    ref = reference()
    settings = dict(train_size=args.train_size, num_epochs=args.epochs,
                    backbone_lr=args.backbone_lr, head_lr=args.head_lr)
    print(f"fine-tuning: {settings}, batch size {BATCH_SIZE}; "
          f"test pairs: {len(load_pair_dataset('test'))}")
    results: dict[str, list[float]] = {"pretrained": [], "random init": []}
    for seed in range(args.seeds):
        start = time.time()
        pre, _ = run(ref, *load_pretrained_encoder(), seed, **settings)
        rnd, _ = run(ref, *random_encoder(seed=1000 + seed), seed, **settings)
        results["pretrained"].append(pre)
        results["random init"].append(rnd)
        print(f"seed {seed}: pretrained {pre:.3f}   random init {rnd:.3f}   "
              f"({time.time() - start:.1f} s)", flush=True)
    for name, accs in results.items():
        spread = statistics.stdev(accs) if len(accs) > 1 else 0.0
        print(f"{name:>11}: mean {statistics.mean(accs):.3f}  sd {spread:.3f}  "
              f"min {min(accs):.3f}  max {max(accs):.3f}")


if __name__ == "__main__":
    main()
