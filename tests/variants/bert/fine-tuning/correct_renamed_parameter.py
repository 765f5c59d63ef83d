# expect: passed
"""Correct, with every parameter the checks pass by position renamed (d2l's own names where it
has them: net, trainer; others made up)."""
import torch
from torch import nn


def get_tokens_and_segments(first, second=None):
    tokens = ["<cls>", *first, "<sep>"]
    segments = [0] * len(tokens)
    if second is not None:
        tokens += [*second, "<sep>"]
        segments += [1] * (len(second) + 1)
    return tokens, segments


class BERTClassifier(nn.Module):
    def __init__(self, bert_encoder, hidden_size, n_classes):
        super().__init__()
        self.encoder = bert_encoder
        self.hidden = nn.Sequential(nn.Linear(hidden_size, hidden_size), nn.Tanh())
        self.output = nn.Linear(hidden_size, n_classes)

    def forward(self, token_ids, segment_ids, lengths):
        return self.output(self.hidden(self.encoder(token_ids, segment_ids, lengths)[:, 0]))


def make_optimizer(net, encoder_lr, new_layers_lr):
    mine = {id(p) for p in net.encoder.parameters()}
    return torch.optim.Adam([
        {"params": [p for p in net.parameters() if id(p) in mine], "lr": encoder_lr},
        {"params": [p for p in net.parameters() if id(p) not in mine], "lr": new_layers_lr},
    ])


def fine_tune(net, data, trainer, epochs, dev):
    criterion = nn.CrossEntropyLoss(reduction="none")
    out = []
    for _ in range(epochs):
        net.train()
        total, seen = 0.0, 0
        for inputs, labels in data:
            inputs = [t.to(dev) for t in inputs]
            labels = labels.to(dev)
            trainer.zero_grad()
            losses = criterion(net(*inputs), labels)
            losses.mean().backward()
            trainer.step()
            total += losses.sum().item()
            seen += len(labels)
        out.append(total / seen)
    return out
