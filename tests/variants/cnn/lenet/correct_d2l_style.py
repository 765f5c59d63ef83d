# expect: passed
"""d2l-style LeNet: the layer list of d2l's LeNet, then d2l-en's init_cnn (Xavier) applied."""
import torch
from torch import nn


def init_cnn(module):
    """d2l-en initializes the weights of convolutions and dense layers with Xavier."""
    if type(module) == nn.Linear or type(module) == nn.Conv2d:
        nn.init.xavier_uniform_(module.weight)


def lenet(num_classes=10):
    net = nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.Sigmoid(),
        nn.Linear(84, num_classes))
    # d2l-en's layer_summary: push one image through and print each layer's output shape.
    X = torch.randn(1, 1, 28, 28)
    for layer in net:
        X = layer(X)
    net.apply(init_cnn)
    return net
