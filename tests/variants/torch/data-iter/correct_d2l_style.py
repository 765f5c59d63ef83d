# expect: passed
"""d2l-zh's data_iter (a Python list shuffled with random.shuffle, chunks taken with min) and
load_array, with the stub's one departure: the permutation comes from `generator` when one
is given."""
import random

import torch
from torch.utils import data


def data_iter(batch_size, features, labels, generator=None):
    num_examples = len(features)
    indices = list(range(num_examples))
    if generator is None:
        # 这些样本是随机读取的,没有特定的顺序
        random.shuffle(indices)
    else:
        indices = torch.randperm(num_examples, generator=generator).tolist()
    for i in range(0, num_examples, batch_size):
        batch_indices = torch.tensor(
            indices[i: min(i + batch_size, num_examples)], device=features.device)
        yield features[batch_indices], labels[batch_indices]


def load_array(data_arrays, batch_size, is_train=True):
    """构造一个PyTorch数据迭代器"""
    dataset = data.TensorDataset(*data_arrays)
    return data.DataLoader(dataset, batch_size, shuffle=is_train)
