# expect: passed
"""Built from a table of convolutions in a loop; the layers are the same 21."""
from torch import nn

CONVS = [(96, 11, 4, 1, True), (256, 5, 1, 2, True), (384, 3, 1, 1, False),
         (384, 3, 1, 1, False), (256, 3, 1, 1, True)]


def alexnet(n_classes=10, channels=1):
    layers, c_in = [], channels
    for c_out, k, s, p, pool in CONVS:
        layers += [nn.Conv2d(c_in, c_out, (k, k), stride=(s, s), padding=(p, p)),
                   nn.ReLU(inplace=True)]
        if pool:
            layers.append(nn.MaxPool2d((3, 3), (2, 2)))
        c_in = c_out
    layers.append(nn.Flatten())
    for a, b in ((c_in * 5 * 5, 4096), (4096, 4096)):
        layers += [nn.Linear(a, b), nn.ReLU(inplace=True), nn.Dropout(0.5)]
    layers.append(nn.Linear(4096, n_classes))
    return nn.Sequential(*layers)
