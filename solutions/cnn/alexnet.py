"""Reference solution for exercises/cnn/alexnet.py."""

from torch import nn


def alexnet(num_classes: int = 10, in_channels: int = 1) -> nn.Sequential:
    return nn.Sequential(
        # A large 11x11 window with stride 4 shrinks a 224x224 image fast: (224 + 2 - 11) // 4
        # + 1 = 54. Max pooling with a 3x3 window and stride 2 overlaps its windows.
        nn.Conv2d(in_channels, 96, kernel_size=11, stride=4, padding=1), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2),                     # 54 -> 26
        # Padding 2 keeps the size of a 5x5 convolution; more channels than LeNet.
        nn.Conv2d(96, 256, kernel_size=5, padding=2), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2),                     # 26 -> 12
        # Three 3x3 convolutions with padding 1 keep 12x12.
        nn.Conv2d(256, 384, kernel_size=3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 384, kernel_size=3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 256, kernel_size=3, padding=1), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2),                     # 12 -> 5
        nn.Flatten(),                                               # 256 * 5 * 5 = 6400
        # The two 4096-wide dense layers hold most of the 46.8 million parameters; dropout
        # keeps them from overfitting (it is only active in train() mode).
        nn.Linear(6400, 4096), nn.ReLU(), nn.Dropout(p=0.5),
        nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(p=0.5),
        nn.Linear(4096, num_classes))
