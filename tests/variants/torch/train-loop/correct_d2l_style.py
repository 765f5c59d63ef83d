# expect: passed
"""d2l-zh's accuracy, evaluate_accuracy_gpu and the body of train_ch6's epoch loop (with its
Accumulator), with the stub's departures: one epoch per call, loss and optimizer given, the
two metrics returned; state_dict save/load as in 5.5 读写文件."""
import torch
from torch import nn


class Accumulator:
    """在n个变量上累加"""
    def __init__(self, n):
        self.data = [0.0] * n

    def add(self, *args):
        self.data = [a + float(b) for a, b in zip(self.data, args)]

    def __getitem__(self, idx):
        return self.data[idx]


def accuracy(y_hat, y):
    """计算预测正确的数量"""
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.type(y.dtype) == y
    return float(cmp.type(y.dtype).sum())


def evaluate_accuracy(net, data_iter, device=None):
    """使用GPU计算模型在数据集上的精度"""
    if isinstance(net, nn.Module):
        net.eval()  # 设置为评估模式
        if not device:
            device = next(iter(net.parameters())).device
    # 正确预测的数量,总预测的数量
    metric = Accumulator(2)
    with torch.no_grad():
        for X, y in data_iter:
            if isinstance(X, list):
                X = [x.to(device) for x in X]
            else:
                X = X.to(device)
            y = y.to(device)
            metric.add(accuracy(net(X), y), y.numel())
    return metric[0] / metric[1]


def train_epoch(net, train_iter, loss, optimizer, device):
    # 训练损失之和,训练准确率之和,样本数
    metric = Accumulator(3)
    net.train()
    for i, (X, y) in enumerate(train_iter):
        optimizer.zero_grad()
        X, y = X.to(device), y.to(device)
        y_hat = net(X)
        l = loss(y_hat, y)
        l.backward()
        optimizer.step()
        with torch.no_grad():
            metric.add(l * X.shape[0], accuracy(y_hat, y), X.shape[0])
    train_l = metric[0] / metric[2]
    train_acc = metric[1] / metric[2]
    return train_l, train_acc


def save_params(net, path):
    torch.save(net.state_dict(), path)


def load_params(make_net, path):
    clone = make_net()
    clone.load_state_dict(torch.load(path))
    clone.eval()
    return clone
