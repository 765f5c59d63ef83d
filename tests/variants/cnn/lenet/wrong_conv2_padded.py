# expect: failed output_shape_after_each_layer, parameter_count, matches_reference_after_loading_weights
"""padding=2 copied to the second convolution as well: 16 x 7 x 7 = 784 features enter the first dense layer."""
from torch import nn


def lenet(num_classes=10):
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5, padding=2), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(16 * 7 * 7, 120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.Sigmoid(),
        nn.Linear(84, num_classes))
