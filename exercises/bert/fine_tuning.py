"""Fine-tune a small pretrained BERT for sentence pairs (d2l: Natural Language Processing:
Applications > Fine-Tuning BERT, Natural Language Inference: Fine-Tuning BERT).

BERT is pretrained once, on lots of unlabelled text (masked language modelling + next
sentence prediction), and then *fine-tuned* for each task: you copy the whole pretrained
encoder, add a small new output layer on top, and train everything a little on the
labelled data, the pretrained part with a smaller learning rate than the new head.

This package ships a tiny BERT (2 blocks, 64 hidden units, 4 heads) pretrained on a small
synthetic English in which words come in synonym clusters ("dog", "hound", "puppy", "mutt")
and every sentence is about one of six topics. The labelled task: are sentences A and B
about the same topic (label 1) or not (label 0)? "quick coins builds aged pal" and "rapid
money constructs old companion" are (B restates A with synonyms); B never repeats a word of
A, so the model has to know which words belong together. A randomly initialized BERT cannot
learn that from a few hundred labelled pairs in a few epochs (it stays near 50%); the
pretrained one learned it from its corpus (masked words, next sentences). You write the
four pieces of the fine-tuning pipeline, then run::

    learn check bert/fine-tuning

Try it yourself first: ``python fine_tuning.py`` runs the whole pipeline (the block at the
bottom of this file; keep such imports of ``grader.pretrained`` inside that block, since the
grader calls your four functions with its own data)::

    from grader.pretrained import (NUM_CLASSES, evaluate_accuracy, load_pair_dataset,
                                   load_pretrained_encoder, make_pair_batches)
    encoder, vocab = load_pretrained_encoder()     # a fresh copy each call
    train_iter = make_pair_batches(load_pair_dataset("train"), vocab, 32,
                                   get_tokens_and_segments, shuffle=True)

Every batch is ``[[tokens, segments, valid_lens], y]``: what a torch ``DataLoader`` yields
over d2l's ``SNLIBERTDataset``, whose items are ``((tokens, segments, valid_lens), y)`` (the
DataLoader's collation turns every tuple into a list). Token ids and segment ids have shape
``(batch_size, num_steps)``, the valid lengths and the labels ``(batch_size,)``. Batches
built by hand may hold tuples instead, ``((tokens, segments, valid_lens), y)``: your
``fine_tune`` must accept both. The encoder maps ``encoder(tokens, segments, valid_lens)``
to ``(batch_size, num_steps, num_hiddens)``, one vector per position.

Where this exercise departs from d2l's code (Natural Language Inference: Fine-Tuning BERT,
``d2l.train_ch13`` and ``d2l.train_batch_ch13``), and why:

* d2l's ``BERTClassifier(bert)`` takes the whole pretrained BERT model and reuses its
  ``bert.hidden``, the pooler pretrained by next-sentence prediction. This package ships the
  encoder only, so ``BERTClassifier(encoder, num_hiddens, num_classes)`` builds a new pooler.
* d2l builds its layers with ``nn.LazyLinear`` and runs one batch through the network before
  making the optimizer. Here use ``nn.Linear`` with the sizes you are given: the optimizer
  is made right after the model (and the checks read the layers' shapes), when a lazy layer
  would have no parameters yet.
* d2l's ``forward(inputs)`` takes one sequence of three tensors; here ``forward(tokens,
  segments, valid_lens)`` takes them as three arguments, like the encoder (``model(*X)``).
* d2l fine-tunes with one learning rate for everything (``Adam(net.parameters(),
  lr=1e-4)``); here Adam gets two parameter groups, a small rate for the pretrained encoder
  and a larger one for the head, which starts from scratch.
* d2l's ``train_ch13`` takes a loss, a test set and a list of devices (``nn.DataParallel``)
  and plots the training loss ``metric[0] / metric[2]``; ``fine_tune`` uses cross-entropy
  and one device, and returns that loss for each epoch. ``train_batch_ch13`` moves ``X``
  element by element only ``if isinstance(X, list)`` and calls ``X.to(device)`` otherwise,
  which fails on a tuple; here ``X`` may be a list or a tuple.

Nothing is forbidden here; write the code yourself rather than copying d2l's.
"""

import torch
from torch import nn


def get_tokens_and_segments(tokens_a: list[str], tokens_b: list[str] | None = None
                            ) -> tuple[list[str], list[int]]:
    """BERT's input for one sentence or a pair of sentences.

    Args:
        tokens_a: the first sentence's tokens (may be empty).
        tokens_b: the second sentence's tokens, or None for a single sentence. An empty
            list is a pair whose second sentence is empty (it still gets its ``<sep>``).

    Returns:
        ``(tokens, segments)``: new lists ``['<cls>'] + tokens_a + ['<sep>']``, followed for
        a pair by ``tokens_b + ['<sep>']``; the segment id of each token is 0 for ``<cls>``,
        sentence A and the ``<sep>`` after it, and 1 for sentence B and its ``<sep>``.
        The segments are Python ints. The input lists are not modified.
    """
    raise NotImplementedError("implement get_tokens_and_segments")


class BERTClassifier(nn.Module):
    """The pretrained encoder plus a new classification head on the ``<cls>`` vector.

    Attributes (the checks use these names):
        encoder: the encoder you were given, the very same object (not a copy), registered
            as a submodule: its pretrained parameters are among the model's parameters and
            are the ones that get fine-tuned.
        hidden: ``nn.Linear(num_hiddens, num_hiddens)`` followed by ``nn.Tanh()``
            (e.g. an ``nn.Sequential``), BERT's pooler.
        output: ``nn.Linear(num_hiddens, num_classes)``, the output layer trained from scratch.
    """

    def __init__(self, encoder: nn.Module, num_hiddens: int, num_classes: int):
        super().__init__()
        raise NotImplementedError("implement BERTClassifier.__init__")

    def forward(self, tokens: torch.Tensor, segments: torch.Tensor,
                valid_lens: torch.Tensor) -> torch.Tensor:
        """Logits ``(batch_size, num_classes)``.

        Call the encoder once, ``encoder(tokens, segments, valid_lens)`` with the three
        tensors unchanged (pass ``valid_lens`` on, so that padding is ignored), take its
        output at position 0 (the ``<cls>`` token) only, then ``hidden`` and ``output``. Stay
        in the autograd graph (no ``torch.no_grad()``, no ``detach()``): the encoder is
        trained too. No softmax: the loss works on logits.
        """
        raise NotImplementedError("implement BERTClassifier.forward")


def make_optimizer(model: BERTClassifier, backbone_lr: float, head_lr: float
                   ) -> torch.optim.Optimizer:
    """An Adam optimizer with a small learning rate for the pretrained part.

    Args:
        model: a BERTClassifier.
        backbone_lr: the learning rate of every parameter of ``model.encoder``.
        head_lr: the learning rate of every other parameter of the model (``hidden`` and
            ``output``, which start from scratch).

    Returns:
        ``torch.optim.Adam`` (plain Adam, default betas, no weight decay) with exactly two
        parameter groups: first the encoder's parameters with ``lr=backbone_lr``, then all
        the others with ``lr=head_lr``. Every parameter of the model is in exactly one group;
        leave ``requires_grad`` as it is (nothing is frozen).
    """
    raise NotImplementedError("implement make_optimizer")


def fine_tune(model: nn.Module, train_iter, optimizer: torch.optim.Optimizer,
              num_epochs: int, device: torch.device | str) -> list[float]:
    """Train ``model`` (already on ``device``) with cross-entropy for ``num_epochs`` epochs.

    Args:
        model: maps ``model(tokens, segments, valid_lens)`` to logits.
        train_iter: re-iterable batches ``[[tokens, segments, valid_lens], y]`` or
            ``((tokens, segments, valid_lens), y)`` (a list of batches, a DataLoader,
            make_pair_batches(...)); accept the inputs as a list and as a tuple. Iterate it
            once per epoch. Batches may have different sizes (the last one is often smaller).
        optimizer: the optimizer to use (e.g. from make_optimizer); do not make another.
        num_epochs: how many passes over ``train_iter``.
        device: move every tensor of each batch (the three inputs and ``y``) there with
            ``.to(device)`` before using it.

    Returns:
        A list with one float per epoch (empty for ``num_epochs=0``): the mean cross-entropy
        over that epoch's examples, i.e. the sum of every example's loss (as computed in the
        forward pass that led to the update) over the number of examples. Not the last
        batch's loss, and not the mean of batch means.

    Put the model in training mode, and for each batch: clear the old gradients, compute the
    per-example losses, backpropagate their mean (or their sum, as d2l does) and take one
    optimizer step. Every parameter is trained, the encoder's included.
    """
    raise NotImplementedError("implement fine_tune")


if __name__ == "__main__":
    from grader.pretrained import (CONFIG, LABELS, NUM_CLASSES, evaluate_accuracy,
                                   load_pair_dataset, load_pretrained_encoder,
                                   make_pair_batches)

    torch.manual_seed(0)
    encoder, vocab = load_pretrained_encoder()
    train_iter = make_pair_batches(load_pair_dataset("train"), vocab, 32,
                                   get_tokens_and_segments, shuffle=True)
    test_iter = make_pair_batches(load_pair_dataset("test"), vocab, 256, get_tokens_and_segments)
    net = BERTClassifier(encoder, CONFIG["num_hiddens"], NUM_CLASSES)
    losses = fine_tune(net, train_iter, make_optimizer(net, 1e-3, 3e-3), 3, "cpu")
    print("training loss per epoch:", [round(loss, 3) for loss in losses])
    print(f"test accuracy: {evaluate_accuracy(net, test_iter):.3f} (labels: {LABELS})")
