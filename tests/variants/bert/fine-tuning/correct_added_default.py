# expect: passed
"""Correct, with extra parameters that have defaults (the checks never pass them)."""
import torch
from torch import nn


def get_tokens_and_segments(tokens_a, tokens_b=None, cls_token="<cls>", sep_token="<sep>"):
    tokens = [cls_token, *tokens_a, sep_token]
    segments = [0] * len(tokens)
    if tokens_b is not None:
        tokens += [*tokens_b, sep_token]
        segments += [1] * (len(tokens_b) + 1)
    return tokens, segments


class BERTClassifier(nn.Module):
    def __init__(self, encoder, num_hiddens, num_classes, dropout=0.0):
        super().__init__()
        self.encoder = encoder
        self.hidden = nn.Sequential(nn.Linear(num_hiddens, num_hiddens), nn.Tanh())
        self.dropout = nn.Dropout(dropout)
        self.output = nn.Linear(num_hiddens, num_classes)

    def forward(self, tokens, segments, valid_lens):
        cls = self.encoder(tokens, segments, valid_lens)[:, 0, :]
        return self.output(self.dropout(self.hidden(cls)))


def make_optimizer(model, backbone_lr, head_lr, betas=(0.9, 0.999)):
    backbone = list(model.encoder.parameters())
    ids = {id(p) for p in backbone}
    head = [p for p in model.parameters() if id(p) not in ids]
    return torch.optim.Adam([{"params": backbone, "lr": backbone_lr},
                             {"params": head, "lr": head_lr}], betas=betas)


def fine_tune(model, train_iter, optimizer, num_epochs, device, loss=None, log_every=None):
    loss = loss if loss is not None else nn.CrossEntropyLoss(reduction="none")
    history = []
    for epoch in range(num_epochs):
        model.train()
        total, count = 0.0, 0
        for step, (X, y) in enumerate(train_iter):
            X = [x.to(device) for x in X]
            y = y.to(device)
            l = loss(model(*X), y)
            optimizer.zero_grad()
            l.mean().backward()
            optimizer.step()
            total += float(l.detach().sum())
            count += y.numel()
            if log_every and step % log_every == 0:
                print(f"epoch {epoch} step {step}: {float(l.mean()):.3f}")
        history.append(total / count)
    return history
