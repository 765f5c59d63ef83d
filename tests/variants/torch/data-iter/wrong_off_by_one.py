# expect: failed data_iter_gives_every_row_exactly_once, data_iter_batch_sizes
"""min(i + batch_size, n - 1): the last example of the permutation is never read."""
import torch
from torch.utils import data


def data_iter(batch_size, features, labels, generator=None):
    n = len(features)
    indices = torch.randperm(n, generator=generator).tolist()
    for i in range(0, n, batch_size):
        idx = torch.tensor(indices[i:min(i + batch_size, n - 1)], dtype=torch.long,
                           device=features.device)
        if len(idx):
            yield features[idx], labels[idx]


def load_array(data_arrays, batch_size, is_train=True):
    dataset = data.TensorDataset(*data_arrays)
    return data.DataLoader(dataset, batch_size, shuffle=is_train)
