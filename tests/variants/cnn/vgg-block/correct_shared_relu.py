# expect: passed
"""One ReLU instance reused for every activation, blocks and classifier alike: a ReLU has no
parameters or state, so sharing it is correct."""
from torch import nn

conv_arch = ((1, 64), (1, 128), (2, 256), (2, 512), (2, 512))
RELU = nn.ReLU()


def vgg_block(num_convs, in_channels, out_channels):
    layers = []
    for i in range(num_convs):
        layers += [nn.Conv2d(out_channels if i else in_channels, out_channels, 3, padding=1),
                   RELU]
    return nn.Sequential(*layers, nn.MaxPool2d(2, 2))


def vgg(conv_arch=conv_arch, in_channels=1, num_classes=10):
    blocks, channels = [], in_channels
    for num_convs, out_channels in conv_arch:
        blocks.append(vgg_block(num_convs, channels, out_channels))
        channels = out_channels
    return nn.Sequential(*blocks, nn.Flatten(),
                         nn.Linear(channels * 7 * 7, 4096), RELU, nn.Dropout(0.5),
                         nn.Linear(4096, 4096), RELU, nn.Dropout(0.5),
                         nn.Linear(4096, num_classes))
