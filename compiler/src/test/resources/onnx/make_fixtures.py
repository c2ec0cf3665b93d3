#!/usr/bin/env python3
"""Exports the small PyTorch models that OnnxTorchFixturesTest imports, with torch's own outputs.

Each model has seeded random weights and exercises one construct of a real export that the importer folds into
the IR: explicit Pad, input normalization and inception_v3's transform_input, an NHWC input with its channel-last
flatten, ReduceMean/Squeeze/one-operand Concat, and a static batch of 8. Rerun from the repository root after
changing it (needs Debian's python3-torch and python3-onnx), then commit the changed files:

    /usr/bin/python3 compiler/src/test/resources/onnx/make_fixtures.py [NAME ...]

Outputs, in this folder, for every model NAME:
  NAME.onnx   the export (opset 13, constant folding on, as torch.onnx.export does by default)
  batch8_symbolic.onnx   the batch-8 model exported with a symbolic batch, for comparison
  NAME.npz    'x', the inputs (float32, the ONNX input's layout, a batch of 4 or the static batch), and 'y',
              torch's float32 outputs for them
"""
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))


def randomize_batchnorms(module, shift):
    """Random statistics for every batchnorm of module, so that none is the identity torch initializes: gamma in
    [0.5, 1.5], beta in [-shift, shift], mean in [-0.2, 0.2] and variance in [0.5, 1.5]."""
    with torch.no_grad():
        for bn in (m for m in module.modules() if isinstance(m, nn.BatchNorm2d)):
            bn.weight.uniform_(0.5, 1.5)
            bn.bias.uniform_(-shift, shift)
            bn.running_mean.uniform_(-0.2, 0.2)
            bn.running_var.uniform_(0.5, 1.5)


class ConvDense(nn.Module):
    """A conv and a dense layer, each with torch's seeded random initialization; subclasses add what runs around them."""

    def __init__(self, conv, features, classes):
        super().__init__()
        self.conv = conv
        self.fc = nn.Linear(features, classes)


class PadConvPools(ConvDense):
    """ZeroPad2d before a padded conv, F.pad before a max pool after ReLU, and torch's count_include_pad avg pool."""

    def __init__(self):
        super().__init__(nn.Conv2d(2, 4, 3, padding=1), 3 * 3 * 3, 5)
        self.pad = nn.ZeroPad2d((1, 2, 0, 1))
        self.conv2 = nn.Conv2d(4, 3, 3)

    def forward(self, x):
        x = F.relu(self.conv(self.pad(x)))           # 9x10 -> 10x13
        x = F.max_pool2d(F.pad(x, (1, 1, 1, 0)), 2)   # 11x15 -> 5x7
        x = F.avg_pool2d(x, 3, stride=1, padding=1)   # Pad + AveragePool (count_include_pad)
        x = F.relu(self.conv2(x))                     # 3x5
        x = F.avg_pool2d(x, (1, 2), padding=(0, 1), count_include_pad=False)  # 3x3, own pads
        return self.fc(torch.flatten(x, 1))


class Normalized(ConvDense):
    """(x - mean) / std per channel before an unpadded conv, then a scalar affine before the dense layer."""

    def __init__(self):
        super().__init__(nn.Conv2d(3, 4, 3, stride=2), 4 * 3 * 3, 6)
        self.register_buffer("mean", torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1))

    def forward(self, x):
        x = F.relu(self.conv((x - self.mean) / self.std))
        return self.fc(torch.flatten(x, 1) * 0.5 - 2.0)


class NormalizedPadded(ConvDense):
    """(x - mean) / std before a padded conv: the shift cannot fold, so it stays an affine layer."""

    def __init__(self):
        super().__init__(nn.Conv2d(2, 3, 3, padding=1), 3 * 5 * 5, 4)
        self.register_buffer("mean", torch.tensor([0.5, -0.25]).view(1, 2, 1, 1))
        self.register_buffer("std", torch.tensor([0.5, 2.0]).view(1, 2, 1, 1))

    def forward(self, x):
        x = F.relu(self.conv((x - self.mean) / self.std))
        return self.fc(torch.flatten(x, 1))


class TransformInput(ConvDense):
    """torchvision's Inception3._transform_input, then the unpadded stem conv of inception_v3."""

    def __init__(self):
        super().__init__(nn.Conv2d(3, 4, 3, stride=2), 4 * 4 * 4, 5)

    def forward(self, x):
        x_ch0 = torch.unsqueeze(x[:, 0], 1) * (0.229 / 0.5) + (0.485 - 0.5) / 0.5
        x_ch1 = torch.unsqueeze(x[:, 1], 1) * (0.224 / 0.5) + (0.456 - 0.5) / 0.5
        x_ch2 = torch.unsqueeze(x[:, 2], 1) * (0.225 / 0.5) + (0.406 - 0.5) / 0.5
        x = torch.cat((x_ch0, x_ch1, x_ch2), 1)
        x = F.relu(self.conv(x))
        return self.fc(torch.flatten(x, 1))


class Nhwc(ConvDense):
    """A Keras-style CNN: NHWC input transposed to NCHW, and a channel-last flatten before the dense layer."""

    def __init__(self):
        super().__init__(nn.Conv2d(3, 4, 3), 4 * 4 * 5, 6)

    def forward(self, x):
        x = F.relu(self.conv(x.permute(0, 3, 1, 2)))
        x = x.permute(0, 2, 3, 1)
        return self.fc(x.reshape(x.shape[0], -1))


class ReduceMeanHead(ConvDense):
    """ReduceMean over H, W with and without keepdims, Squeeze and a one-operand Concat."""

    def __init__(self):
        super().__init__(nn.Conv2d(2, 4, 3, padding=1), 8, 3)
        self.conv2 = nn.Conv2d(4, 4, 1)

    def forward(self, x):
        x = F.relu(self.conv(x))
        a = x.mean((2, 3))
        b = F.relu(self.conv2(torch.cat([x], 1))).mean((-1, -2), keepdim=True).squeeze(3).squeeze(2)
        return self.fc(torch.cat([a, b], 1))


class Batched(ConvDense):
    """A small CNN whose export has a static batch of 8 (the view names the batch)."""

    def __init__(self):
        super().__init__(nn.Conv2d(1, 3, 3, padding=1), 3 * 3 * 3, 4)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv(x)), 2)
        return self.fc(x.view(x.shape[0], -1))


class CeilPools(ConvDense):
    """googlenet's and squeezenet's ceil_mode max pools (3x3 stride 2, 2x2 stride 2 on odd maps) and a ceil_mode
    average pool that leaves its partial windows' missing cells out of the divisor."""

    def __init__(self):
        super().__init__(nn.Conv2d(2, 3, 3, padding=1), 3 * 2 * 2, 4)

    def forward(self, x):
        x = F.relu(self.conv(x))                                  # 10x10
        x = F.max_pool2d(x, 3, stride=2, ceil_mode=True)          # 5x5 (floor: 4x4)
        x = F.max_pool2d(x, 2, stride=2, ceil_mode=True)          # 3x3 (floor: 2x2)
        x = F.avg_pool2d(x, 2, stride=2, ceil_mode=True, count_include_pad=False)  # 2x2 (floor: 1x1)
        return self.fc(torch.flatten(x, 1))


class Relu6Net(ConvDense):
    """mobilenet_v2's activation: conv, batch norm, ReLU6 (exported as Clip(0, 6)), with activations above 6."""

    def __init__(self):
        super().__init__(nn.Conv2d(2, 4, 3, padding=1), 4 * 5 * 5, 3)
        self.bn = nn.BatchNorm2d(4)
        with torch.no_grad():
            self.conv.weight.mul_(8.0)

    def forward(self, x):
        x = F.relu6(self.bn(self.conv(x)))
        return self.fc(torch.flatten(x, 1))


class Dilated(ConvDense):
    """A dilated conv (DeepLab-style atrous, dilation 2 x 3 with padding) after a plain one."""

    def __init__(self):
        super().__init__(nn.Conv2d(2, 3, 3, padding=1), 4 * 7 * 5, 3)
        self.atrous = nn.Conv2d(3, 4, 3, padding=(2, 1), dilation=(2, 3))

    def forward(self, x):
        x = F.relu(self.atrous(F.relu(self.conv(x))))
        return self.fc(torch.flatten(x, 1))


class OptionAShortcut(ConvDense):
    """He et al.'s option A shortcut: every other row and column, channels zero-padded on both sides, added to a
    stride-2 conv; then a slice of every other channel from 1."""

    def __init__(self):
        super().__init__(nn.Conv2d(2, 4, 3, padding=1), 4 * 4 * 4, 3)
        self.down = nn.Conv2d(4, 8, 3, stride=2, padding=1)

    def forward(self, x):
        x = F.relu(self.conv(x))                                          # 4 x 7 x 7
        x = F.relu(self.down(x) + F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, 2, 2)))  # 8 x 4 x 4
        return self.fc(torch.flatten(x[:, 1::2], 1))


class InvertedResidual(nn.Module):
    """mobilenet_v2's block: 1x1 expansion, BN, ReLU6; depthwise 3x3, BN, ReLU6; 1x1 projection, BN, no activation."""

    def __init__(self, inputs, outputs, stride, expansion):
        super().__init__()
        hidden = inputs * expansion
        self.residual = stride == 1 and inputs == outputs
        self.body = nn.Sequential(
            nn.Conv2d(inputs, hidden, 1, bias=False), nn.BatchNorm2d(hidden), nn.ReLU6(),
            nn.Conv2d(hidden, hidden, 3, stride, 1, groups=hidden, bias=False), nn.BatchNorm2d(hidden), nn.ReLU6(),
            nn.Conv2d(hidden, outputs, 1, bias=False), nn.BatchNorm2d(outputs))

    def forward(self, x):
        return x + self.body(x) if self.residual else self.body(x)


class LinearBottlenecks(nn.Module):
    """A small mobilenet_v2: its linear bottlenecks (projections read by the next expansion and by residual sums with
    no activation between) and a conv, BN, conv pair with no activation either (a padded 3x3 after a padded 3x3)."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 4, 3, 2, 1, bias=False), nn.BatchNorm2d(4), nn.ReLU6())
        self.blocks = nn.Sequential(InvertedResidual(4, 3, 1, 2), InvertedResidual(3, 3, 1, 3),
                                    InvertedResidual(3, 5, 2, 3))
        self.linear_pair = nn.Sequential(nn.Conv2d(5, 4, 3, padding=1), nn.BatchNorm2d(4),
                                         nn.Conv2d(4, 6, 3, padding=1))
        self.fc = nn.Linear(6, 3)
        randomize_batchnorms(self, 0.5)

    def forward(self, x):
        x = F.relu6(self.linear_pair(self.blocks(self.stem(x))))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


class DenseBlock(nn.Module):
    """densenet121's pattern, small: a stem, a dense block of three pre-activation layers (batchnorm, relu, 1x1 conv,
    batchnorm, relu, 3x3 conv) each reading the concat of every feature before it, and a transition (batchnorm, relu,
    1x1 conv, 2x2 average pool) whose output is a linear value again, then batchnorm, relu, global pool and dense."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(1, 4, 3, padding=1)
        self.layers = nn.ModuleList()
        channels = 4
        for _ in range(3):
            self.layers.append(nn.Sequential(nn.BatchNorm2d(channels), nn.ReLU(), nn.Conv2d(channels, 6, 1),
                                             nn.BatchNorm2d(6), nn.ReLU(), nn.Conv2d(6, 2, 3, padding=1)))
            channels += 2
        self.transition = nn.Sequential(nn.BatchNorm2d(channels), nn.ReLU(), nn.Conv2d(channels, 5, 1),
                                        nn.AvgPool2d(2))
        self.norm = nn.BatchNorm2d(5)
        self.fc = nn.Linear(5, 3)
        randomize_batchnorms(self, 0.3)

    def forward(self, x):
        features = [self.stem(x)]
        for layer in self.layers:
            features.append(layer(torch.cat(features, 1)))
        x = F.relu(self.norm(self.transition(torch.cat(features, 1))))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


# name: (model, input shape, seed)
MODELS = {
    "batch8": (Batched, (8, 1, 6, 6), 0),
    "nhwc": (Nhwc, (4, 6, 7, 3), 1),
    "normalized": (Normalized, (4, 3, 8, 8), 2),
    "normalized_padded": (NormalizedPadded, (4, 2, 5, 5), 3),
    "pad_conv_pools": (PadConvPools, (4, 2, 9, 10), 4),
    "reduce_mean": (ReduceMeanHead, (4, 2, 5, 5), 5),
    "transform_input": (TransformInput, (4, 3, 9, 9), 6),
    "ceil_pools": (CeilPools, (4, 2, 10, 10), 7),
    "relu6": (Relu6Net, (4, 2, 5, 5), 8),
    "dilated": (Dilated, (4, 2, 7, 9), 9),
    "linear_bottlenecks": (LinearBottlenecks, (4, 1, 12, 12), 10),
    "option_a_shortcut": (OptionAShortcut, (4, 2, 7, 7), 11),
    "dense_block": (DenseBlock, (4, 1, 8, 8), 12),
}


def main(names):
    """Exports the named models, or all of them."""
    for name, (cls, shape, seed) in sorted(MODELS.items()):
        if names and name not in names:
            continue
        torch.manual_seed(seed)
        model = cls().eval()
        x = torch.rand(shape) * 2 - 0.5
        with torch.no_grad():
            y = model(x)
        # batch8 keeps its static batch; the others export one sample with a symbolic batch.
        static = name == "batch8"
        torch.onnx.export(model, x if static else x[:1], os.path.join(HERE, name + ".onnx"), opset_version=13,
                          input_names=["x"], output_names=["y"],
                          dynamic_axes=None if static else {"x": {0: "N"}, "y": {0: "N"}})
        np.savez(os.path.join(HERE, name + ".npz"), x=x.numpy().astype(np.float32), y=y.numpy().astype(np.float32))
        if static:
            # The same model with a symbolic batch, which must import to the same graph.
            torch.onnx.export(model, x[:1], os.path.join(HERE, name + "_symbolic.onnx"), opset_version=13,
                              input_names=["x"], output_names=["y"], dynamic_axes={"x": {0: "N"}, "y": {0: "N"}})


if __name__ == "__main__":
    main(sys.argv[1:])
