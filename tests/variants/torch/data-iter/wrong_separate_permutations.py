# expect: failed only data_iter_keeps_features_with_their_labels
"""Shuffles features and labels with two different permutations."""
import torch
from torch.utils import data


def data_iter(batch_size, features, labels, generator=None):
    n = len(features)
    rows = torch.randperm(n, generator=generator).to(features.device)
    targets = torch.randperm(n, generator=generator).to(labels.device)
    for i in range(0, n, batch_size):
        yield features[rows[i:i + batch_size]], labels[targets[i:i + batch_size]]


def load_array(data_arrays, batch_size, is_train=True):
    dataset = data.TensorDataset(*data_arrays)
    return data.DataLoader(dataset, batch_size, shuffle=is_train)
