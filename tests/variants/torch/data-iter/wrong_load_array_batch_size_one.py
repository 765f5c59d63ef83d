# expect: failed load_array_returns_a_dataloader_of_that_batch_size, load_array_gives_every_example_once_with_its_arrays
"""Forgets to pass batch_size: the DataLoader's default batch size 1."""
"""Reference solution for exercises/torch/data_iter.py."""

import torch
from torch.utils import data


def data_iter(batch_size, features, labels, generator=None):
    num_examples = len(features)
    # A fresh permutation on every call (every epoch), drawn from the generator when one is
    # given so that a run can be replayed. Shuffling the examples (not only the batches)
    # makes each minibatch a random sample of the data set.
    indices = torch.randperm(num_examples, generator=generator)
    # range's step does the chunking; the slice keeps the short last batch.
    for i in range(0, num_examples, batch_size):
        batch = indices[i:i + batch_size]
        # One permutation indexes both, so every label stays with its features.
        yield features[batch.to(features.device)], labels[batch.to(labels.device)]


def load_array(arrays, batch_size, is_train=True):
    # TensorDataset(*arrays): example i is (arrays[0][i], arrays[1][i], ...).
    dataset = data.TensorDataset(*arrays)
    # shuffle=True reshuffles on every pass over the loader; for evaluation keep the order.
    return data.DataLoader(dataset, shuffle=is_train)
