# expect: passed
"""Built from a table in a loop, with add_module, tuple sizes and in-place ReLUs."""
from torch import nn


def nin_block(c_in, c_out, k, s, p):
    block = nn.Sequential()
    convs = [nn.Conv2d(c_in, c_out, (k, k) if isinstance(k, int) else k, s, p),
             nn.Conv2d(c_out, c_out, (1, 1)), nn.Conv2d(c_out, c_out, 1, stride=1, padding=0)]
    for i, conv in enumerate(convs):
        block.add_module(str(2 * i), conv)
        block.add_module(str(2 * i + 1), nn.ReLU(inplace=True))
    return block


def nin(n_classes=10, channels=1):
    table = [(96, 11, 4, 0), (256, 5, 1, 2), (384, 3, 1, 1)]
    entries, c = [], channels
    for c_out, k, s, p in table:
        entries += [nin_block(c, c_out, k, s, p), nn.MaxPool2d((3, 3), (2, 2))]
        c = c_out
    entries += [nn.Dropout(p=0.5), nin_block(c, n_classes, 3, 1, 1),
                nn.AdaptiveAvgPool2d(1), nn.Flatten(1)]
    return nn.Sequential(*entries)
