# expect: failed only data_iter_does_not_modify_its_inputs
"""Shuffles the caller's tensors in place, then reads them in order."""
import torch
from torch.utils import data


def data_iter(batch_size, features, labels, generator=None):
    perm = torch.randperm(len(features), generator=generator).to(features.device)
    features[:] = features[perm]
    labels[:] = labels[perm]
    for i in range(0, len(features), batch_size):
        yield features[i:i + batch_size], labels[i:i + batch_size]


def load_array(data_arrays, batch_size, is_train=True):
    dataset = data.TensorDataset(*data_arrays)
    return data.DataLoader(dataset, batch_size, shuffle=is_train)
