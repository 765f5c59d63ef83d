# expect: failed classifier_gradients_reach_the_encoder
"""Runs the encoder under torch.no_grad(), which freezes it."""

import torch
from torch import nn


def get_tokens_and_segments(tokens_a: list[str], tokens_b: list[str] | None = None
                            ) -> tuple[list[str], list[int]]:
    tokens = ["<cls>", *tokens_a, "<sep>"]
    segments = [0] * len(tokens)
    # `is not None`, not truthiness: an empty second sentence still makes a pair.
    if tokens_b is not None:
        tokens += [*tokens_b, "<sep>"]
        segments += [1] * (len(tokens_b) + 1)
    return tokens, segments


class BERTClassifier(nn.Module):
    def __init__(self, encoder: nn.Module, num_hiddens: int, num_classes: int):
        super().__init__()
        self.encoder = encoder
        self.hidden = nn.Sequential(nn.Linear(num_hiddens, num_hiddens), nn.Tanh())
        self.output = nn.Linear(num_hiddens, num_classes)

    def forward(self, tokens: torch.Tensor, segments: torch.Tensor,
                valid_lens: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            encoded_X = self.encoder(tokens, segments, valid_lens)
        # Self-attention lets the <cls> vector summarize the whole pair.
        return self.output(self.hidden(encoded_X[:, 0, :]))


def make_optimizer(model: BERTClassifier, backbone_lr: float, head_lr: float
                   ) -> torch.optim.Optimizer:
    backbone = list(model.encoder.parameters())
    in_backbone = {id(p) for p in backbone}
    head = [p for p in model.parameters() if id(p) not in in_backbone]
    return torch.optim.Adam([{"params": backbone, "lr": backbone_lr},
                             {"params": head, "lr": head_lr}])


def fine_tune(model: nn.Module, train_iter, optimizer: torch.optim.Optimizer, num_epochs: int,
              device: torch.device | str) -> list[float]:
    loss = nn.CrossEntropyLoss(reduction="none")
    epoch_losses = []
    for _ in range(num_epochs):
        model.train()
        total, count = 0.0, 0
        for X, y in train_iter:
            X = [x.to(device) for x in X]
            y = y.to(device)
            l = loss(model(*X), y)
            optimizer.zero_grad()
            l.mean().backward()
            optimizer.step()
            # Sum per-example losses so that a short last batch weighs what it should.
            total += float(l.detach().sum())
            count += y.numel()
        epoch_losses.append(total / count)
    return epoch_losses
