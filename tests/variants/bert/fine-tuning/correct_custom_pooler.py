# expect: passed
"""Correct, written differently: a custom pooler module, parameters split by name, d2l-style
sum-of-losses backward and metric bookkeeping."""
import torch
from torch import nn
from torch.nn import functional as F


def get_tokens_and_segments(tokens_a, tokens_b=None):
    parts = [["<cls>"] + list(tokens_a) + ["<sep>"]]
    if tokens_b is not None:
        parts.append(list(tokens_b) + ["<sep>"])
    tokens = [t for part in parts for t in part]
    segments = [i for i, part in enumerate(parts) for _ in part]
    return tokens, segments


class _Pooler(nn.Module):
    def __init__(self, num_hiddens):
        super().__init__()
        self.dense = nn.Linear(num_hiddens, num_hiddens)

    def forward(self, X):
        return torch.tanh(self.dense(X))


class BERTClassifier(nn.Module):
    def __init__(self, encoder, num_hiddens, num_classes):
        super().__init__()
        self.encoder = encoder
        self.hidden = _Pooler(num_hiddens)
        self.output = nn.Linear(num_hiddens, num_classes)

    def forward(self, tokens, segments, valid_lens):
        cls = self.encoder(tokens, segments, valid_lens=valid_lens)[:, 0]
        return self.output(self.hidden(cls))


def make_optimizer(model, backbone_lr, head_lr):
    named = list(model.named_parameters())
    backbone = [p for n, p in named if n.startswith("encoder.")]
    head = [p for n, p in named if not n.startswith("encoder.")]
    return torch.optim.Adam([dict(params=backbone, lr=backbone_lr), dict(params=head, lr=head_lr)])


def fine_tune(model, train_iter, optimizer, num_epochs, device):
    model.train()
    history = []
    for epoch in range(num_epochs):
        metric = [0.0, 0]
        for features, labels in train_iter:
            tokens, segments, valid_lens = (f.to(device, non_blocking=True) for f in features)
            labels = labels.to(device)
            optimizer.zero_grad(set_to_none=False)
            l = F.cross_entropy(model(tokens, segments, valid_lens), labels, reduction="none")
            l.sum().backward()
            optimizer.step()
            metric[0] += l.sum().item()
            metric[1] += labels.shape[0]
        history.append(metric[0] / metric[1])
    return history
