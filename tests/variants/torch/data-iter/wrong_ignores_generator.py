# expect: failed only data_iter_is_reproducible_with_a_generator
"""Accepts a generator but never uses it."""
import torch
from torch.utils import data


def data_iter(batch_size, features, labels, generator=None):
    indices = torch.randperm(len(features))
    for i in range(0, len(features), batch_size):
        idx = indices[i:i + batch_size].to(features.device)
        yield features[idx], labels[idx]


def load_array(data_arrays, batch_size, is_train=True):
    dataset = data.TensorDataset(*data_arrays)
    return data.DataLoader(dataset, batch_size, shuffle=is_train)
