"""Reference solution for exercises/cnn/vgg_block.py."""

from torch import nn

VGG11 = ((1, 64), (1, 128), (2, 256), (2, 512), (2, 512))


def vgg_block(num_convs: int, in_channels: int, out_channels: int) -> nn.Sequential:
    layers = []
    for _ in range(num_convs):
        # 3x3 with padding 1 keeps H and W, so only the pooling changes the size.
        layers += [nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1), nn.ReLU()]
        in_channels = out_channels  # only the first convolution changes the channel count
    layers.append(nn.MaxPool2d(kernel_size=2, stride=2))  # halves H and W (floor)
    return nn.Sequential(*layers)


def vgg(conv_arch=VGG11, in_channels: int = 1, num_classes: int = 10) -> nn.Sequential:
    blocks = []
    for num_convs, out_channels in conv_arch:
        blocks.append(vgg_block(num_convs, in_channels, out_channels))
        in_channels = out_channels
    # Each block halves the side: five blocks take 224 to 7. The dense part is AlexNet's.
    return nn.Sequential(
        *blocks, nn.Flatten(),
        nn.Linear(in_channels * 7 * 7, 4096), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(4096, num_classes))
