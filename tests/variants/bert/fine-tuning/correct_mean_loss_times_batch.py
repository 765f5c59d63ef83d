# expect: passed
"""Correct, written differently: nn.CrossEntropyLoss() with mean reduction, the epoch total
rebuilt as mean * batch size, model.train() at every epoch, keyword-free calls."""
import torch
from torch import nn


def get_tokens_and_segments(tokens_a: list[str], tokens_b: list[str] | None = None):
    tokens = ["<cls>"]
    tokens.extend(tokens_a)
    tokens.append("<sep>")
    segments = [0 for _ in tokens]
    if tokens_b is None:
        return tokens, segments
    second = list(tokens_b) + ["<sep>"]
    return tokens + second, segments + [1] * len(second)


class BERTClassifier(nn.Module):
    def __init__(self, encoder: nn.Module, num_hiddens: int, num_classes: int):
        super().__init__()
        self.encoder = encoder
        self.hidden = nn.Sequential()
        self.hidden.add_module("dense", nn.Linear(num_hiddens, num_hiddens))
        self.hidden.add_module("act", nn.Tanh())
        self.output = nn.Linear(num_hiddens, num_classes)

    def forward(self, tokens, segments, valid_lens):
        X = self.encoder(tokens, segments, valid_lens)
        X = X.narrow(1, 0, 1).squeeze(1)
        return self.output(self.hidden(X))


def make_optimizer(model, backbone_lr, head_lr):
    encoder_params = set(model.encoder.parameters())
    groups = [
        {"params": [p for p in model.parameters() if p in encoder_params], "lr": backbone_lr},
        {"params": [p for p in model.parameters() if p not in encoder_params], "lr": head_lr},
    ]
    return torch.optim.Adam(groups)


def fine_tune(model, train_iter, optimizer, num_epochs, device):
    criterion = nn.CrossEntropyLoss()
    out = []
    for _ in range(num_epochs):
        model.train()
        total = torch.zeros((), dtype=torch.float64)
        n = 0
        for (tokens, segments, valid_lens), y in train_iter:
            tokens, segments = tokens.to(device), segments.to(device)
            valid_lens, y = valid_lens.to(device), y.to(device)
            logits = model(tokens, segments, valid_lens)
            loss = criterion(logits, y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.detach().double().cpu() * len(y)
            n += len(y)
        out.append(float(total / n))
    return out
