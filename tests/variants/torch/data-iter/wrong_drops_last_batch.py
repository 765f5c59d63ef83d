# expect: failed only data_iter_gives_every_row_exactly_once, data_iter_batch_sizes
"""Stops before the short last batch (range(0, n - batch_size + 1, batch_size))."""
import torch
from torch.utils import data


def data_iter(batch_size, features, labels, generator=None):
    n = len(features)
    indices = torch.randperm(n, generator=generator)
    for i in range(0, n - batch_size + 1, batch_size):
        idx = indices[i:i + batch_size].to(features.device)
        yield features[idx], labels[idx]


def load_array(data_arrays, batch_size, is_train=True):
    dataset = data.TensorDataset(*data_arrays)
    return data.DataLoader(dataset, batch_size, shuffle=is_train)
