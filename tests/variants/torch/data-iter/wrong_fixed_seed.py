# expect: failed only data_iter_draws_a_fresh_order_on_every_call
"""Without a generator, builds one with a fixed seed: every epoch reads the same order."""
import torch
from torch.utils import data


def data_iter(batch_size, features, labels, generator=None):
    if generator is None:
        generator = torch.Generator().manual_seed(0)
    indices = torch.randperm(len(features), generator=generator)
    for i in range(0, len(features), batch_size):
        idx = indices[i:i + batch_size].to(features.device)
        yield features[idx], labels[idx]


def load_array(data_arrays, batch_size, is_train=True):
    dataset = data.TensorDataset(*data_arrays)
    return data.DataLoader(dataset, batch_size, shuffle=is_train)
