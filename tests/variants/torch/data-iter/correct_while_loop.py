# expect: passed
"""Correct, with a while loop over start positions and a list of tuples returned as an
iterator."""
import torch
from torch.utils import data


def data_iter(batch_size, features, labels, generator=None):
    n = len(labels)
    perm = torch.randperm(n, generator=generator, device="cpu")
    out, start = [], 0
    while start < n:
        stop = min(start + batch_size, n)
        rows = perm[start:stop].to(labels.device)
        out.append((features[rows], labels[rows]))
        start = stop
    return iter(out)


def load_array(arrays, batch_size, is_train=True):
    return data.DataLoader(data.TensorDataset(*tuple(arrays)), batch_size, is_train)
