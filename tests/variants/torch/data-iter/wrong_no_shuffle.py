# expect: failed only data_iter_shuffles_the_examples, data_iter_draws_a_fresh_order_on_every_call
"""Reads the examples in their stored order."""
import torch
from torch.utils import data


def data_iter(batch_size, features, labels, generator=None):
    for i in range(0, len(features), batch_size):
        yield features[i:i + batch_size], labels[i:i + batch_size]


def load_array(data_arrays, batch_size, is_train=True):
    dataset = data.TensorDataset(*data_arrays)
    return data.DataLoader(dataset, batch_size, shuffle=is_train)
