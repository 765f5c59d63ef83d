# expect: failed only load_array_shuffles_on_every_pass_for_training
"""Shuffles the arrays once when the loader is built; every pass then reads that order."""
import torch
from torch.utils import data


def data_iter(batch_size, features, labels, generator=None):
    indices = torch.randperm(len(features), generator=generator)
    for i in range(0, len(features), batch_size):
        idx = indices[i:i + batch_size].to(features.device)
        yield features[idx], labels[idx]


def load_array(data_arrays, batch_size, is_train=True):
    if is_train:
        perm = torch.randperm(len(data_arrays[0]))
        data_arrays = [a[perm.to(a.device)] for a in data_arrays]
    return data.DataLoader(data.TensorDataset(*data_arrays), batch_size, shuffle=False)
