# expect: passed
"""d2l's fine-tuning code (natural-language-inference-bert.md, d2l.train_ch13 and
d2l.train_batch_ch13), adapted only where the stub states a departure: the classifier gets the
encoder and the sizes instead of a whole pretrained BERT (so its pooler is new and its layers
are not lazy), forward takes the three inputs as separate arguments, Adam has two parameter
groups, the batch inputs may be a list or a tuple, one device, and the epoch losses
metric[0] / metric[2] are returned instead of plotted."""
import torch
from torch import nn


def get_tokens_and_segments(tokens_a, tokens_b=None):
    tokens = ['<cls>'] + tokens_a + ['<sep>']
    # 0 marks sentence A (with <cls> and its <sep>), 1 marks sentence B
    segments = [0] * (len(tokens_a) + 2)
    if tokens_b is not None:
        tokens += tokens_b + ['<sep>']
        segments += [1] * (len(tokens_b) + 1)
    return tokens, segments


class BERTClassifier(nn.Module):
    def __init__(self, encoder, num_hiddens, num_classes):
        super(BERTClassifier, self).__init__()
        self.encoder = encoder
        # d2l reuses bert.hidden = Sequential(LazyLinear(num_hiddens), Tanh()) and adds
        # LazyLinear(3); here the pooler is new and the sizes are known up front.
        self.hidden = nn.Sequential(nn.Linear(num_hiddens, num_hiddens), nn.Tanh())
        self.output = nn.Linear(num_hiddens, num_classes)

    def forward(self, tokens_X, segments_X, valid_lens_x):
        encoded_X = self.encoder(tokens_X, segments_X, valid_lens_x)
        return self.output(self.hidden(encoded_X[:, 0, :]))


def make_optimizer(model, backbone_lr, head_lr):
    encoder_params = list(model.encoder.parameters())
    encoder_ids = set(map(id, encoder_params))
    head_params = [p for p in model.parameters() if id(p) not in encoder_ids]
    return torch.optim.Adam([{'params': encoder_params, 'lr': backbone_lr},
                             {'params': head_params, 'lr': head_lr}])


class Accumulator:
    """Running sums of n quantities (d2l's metric bookkeeping)."""

    def __init__(self, n):
        self.sums = [0.0] * n

    def add(self, *values):
        for i, value in enumerate(values):
            self.sums[i] += float(value)

    def __getitem__(self, i):
        return self.sums[i]


def accuracy(y_hat, y):
    """The number of correct predictions."""
    return float((y_hat.argmax(dim=1) == y).sum())


def train_batch(net, X, y, loss, trainer, device):
    if isinstance(X, (list, tuple)):
        # Required for BERT fine-tuning
        X = [x.to(device) for x in X]
    else:
        X = X.to(device)
    y = y.to(device)
    net.train()
    trainer.zero_grad()
    pred = net(*X)
    l = loss(pred, y)
    l.sum().backward()
    trainer.step()
    train_loss_sum = l.sum()
    train_acc_sum = accuracy(pred, y)
    return train_loss_sum, train_acc_sum


def fine_tune(net, train_iter, trainer, num_epochs, device):
    loss = nn.CrossEntropyLoss(reduction='none')
    history = []
    for epoch in range(num_epochs):
        # Sum of training loss, sum of training accuracy, no. of examples,
        # no. of predictions
        metric = Accumulator(4)
        for i, (features, labels) in enumerate(train_iter):
            l, acc = train_batch(net, features, labels, loss, trainer, device)
            metric.add(l, acc, labels.shape[0], labels.numel())
        history.append(metric[0] / metric[2])
    return history
