# expect: failed only load_array_keeps_the_order_for_evaluation
"""Ignores is_train: the evaluation loader is shuffled too."""
import torch
from torch.utils import data


def data_iter(batch_size, features, labels, generator=None):
    indices = torch.randperm(len(features), generator=generator)
    for i in range(0, len(features), batch_size):
        idx = indices[i:i + batch_size].to(features.device)
        yield features[idx], labels[idx]


def load_array(data_arrays, batch_size, is_train=True):
    return data.DataLoader(data.TensorDataset(*data_arrays), batch_size, shuffle=True)
