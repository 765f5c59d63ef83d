# expect: passed
"""Correct, written differently: the permutation is the argsort of uniform noise, the chunks
come from torch.split, and rows are picked with index_select; keyword arguments for the
DataLoader."""
import torch
from torch.utils.data import DataLoader, TensorDataset


def data_iter(batch_size, features, labels, generator=None):
    order = torch.rand(features.shape[0], generator=generator).argsort()
    for chunk in torch.split(order, batch_size):
        chunk = chunk.to(features.device)
        yield features.index_select(0, chunk), labels.index_select(0, chunk)


def load_array(arrays, batch_size, is_train=True):
    return DataLoader(TensorDataset(*arrays), batch_size=batch_size, shuffle=bool(is_train))
