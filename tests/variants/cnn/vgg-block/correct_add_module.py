# expect: passed
"""Built with add_module and list comprehensions, tuple sizes, in-place ReLUs."""
from torch import nn


def vgg_block(n, c_in, c_out):
    block = nn.Sequential()
    chans = [c_in] + [c_out] * n
    for i in range(n):
        block.add_module(str(2 * i), nn.Conv2d(chans[i], chans[i + 1], (3, 3), padding=(1, 1)))
        block.add_module(str(2 * i + 1), nn.ReLU(inplace=True))
    block.add_module(str(2 * n), nn.MaxPool2d((2, 2)))
    return block


def vgg(conv_arch=((1, 64), (1, 128), (2, 256), (2, 512), (2, 512)), in_channels=1,
        num_classes=10):
    chans = [in_channels] + [c for _, c in conv_arch]
    blocks = [vgg_block(n, chans[i], c) for i, (n, c) in enumerate(conv_arch)]
    dense = [nn.Flatten(1), nn.Linear(chans[-1] * 49, 4096), nn.ReLU(True), nn.Dropout(),
             nn.Linear(4096, 4096), nn.ReLU(True), nn.Dropout(), nn.Linear(4096, num_classes)]
    return nn.Sequential(*blocks, *dense)
