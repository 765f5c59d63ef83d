# expect: failed data_iter_gives_every_row_exactly_once, data_iter_batch_sizes, data_iter_is_reproducible_with_a_generator
"""Hands data_iter to a DataLoader, which the exercise asks to write by hand."""
import torch
from torch.utils import data


def data_iter(batch_size, features, labels, generator=None):
    loader = data.DataLoader(data.TensorDataset(features, labels), batch_size, shuffle=True,
                             generator=generator)
    return iter(loader)


def load_array(data_arrays, batch_size, is_train=True):
    dataset = data.TensorDataset(*data_arrays)
    return data.DataLoader(dataset, batch_size, shuffle=is_train)
