# expect: failed only load_array_gives_every_example_once_with_its_arrays
"""drop_last=True: the short last batch is thrown away."""
import torch
from torch.utils import data


def data_iter(batch_size, features, labels, generator=None):
    indices = torch.randperm(len(features), generator=generator)
    for i in range(0, len(features), batch_size):
        idx = indices[i:i + batch_size].to(features.device)
        yield features[idx], labels[idx]


def load_array(data_arrays, batch_size, is_train=True):
    return data.DataLoader(data.TensorDataset(*data_arrays), batch_size, shuffle=is_train,
                           drop_last=True)
