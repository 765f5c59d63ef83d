# expect: passed
"""Correct, written differently: torch.multinomial without replacement for the permutation, torch.split for the chunks, index_select, a list iterator; keyword arguments for the DataLoader."""
import torch
from torch.utils import data


def data_iter(batch_size, features, labels, generator=None):
    n = features.shape[0]
    weights = torch.ones(n)
    order = torch.multinomial(weights, n, replacement=False, generator=generator)
    return iter([(features.index_select(0, idx.to(features.device)),
                  labels.index_select(0, idx.to(labels.device)))
                 for idx in torch.split(order, batch_size)])


def load_array(arrays, batch_size, is_train=True):
    ds = data.TensorDataset(*tuple(arrays))
    return data.DataLoader(dataset=ds, batch_size=batch_size, shuffle=bool(is_train),
                           drop_last=False)
