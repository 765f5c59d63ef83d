# expect: failed only data_iter_keeps_dtype_and_device
"""Casts every feature batch to float32 with .float()."""
import torch
from torch.utils import data


def data_iter(batch_size, features, labels, generator=None):
    indices = torch.randperm(len(features), generator=generator)
    for i in range(0, len(features), batch_size):
        idx = indices[i:i + batch_size].to(features.device)
        yield features[idx].float(), labels[idx]


def load_array(data_arrays, batch_size, is_train=True):
    dataset = data.TensorDataset(*data_arrays)
    return data.DataLoader(dataset, batch_size, shuffle=is_train)
