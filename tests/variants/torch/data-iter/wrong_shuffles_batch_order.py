# expect: failed data_iter_shuffles_the_examples
"""Cuts the rows into fixed chunks and shuffles only the order of the chunks: the same
examples are always batched together."""
import torch
from torch.utils import data


def data_iter(batch_size, features, labels, generator=None):
    starts = list(range(0, len(features), batch_size))
    for k in torch.randperm(len(starts), generator=generator).tolist():
        i = starts[k]
        yield features[i:i + batch_size], labels[i:i + batch_size]


def load_array(data_arrays, batch_size, is_train=True):
    dataset = data.TensorDataset(*data_arrays)
    return data.DataLoader(dataset, batch_size, shuffle=is_train)
