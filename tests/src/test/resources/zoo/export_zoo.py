#!/usr/bin/env python3
"""Exports the model zoo that TorchZooTest imports: torchvision's classifiers and the CIFAR networks of issue 12,
each with seeded random weights and random batchnorm statistics, with torch's own outputs.

    /usr/bin/python3 export_zoo.py OUT_DIR [NAME ...]

For every model NAME it writes, in OUT_DIR:
  NAME.onnx  the export (opset 13, a symbolic batch, as torch.onnx.export writes by default)
  NAME.npz   'x', 2 random images in [0, 1) (float32, N x C x H x W); 'y32', torch's float32 outputs for them; 'y64',
             the same model's outputs in float64, since deep random networks (inception_v3) grow activations of 1e12
             whose float32 rounding alone exceeds a relative 1e-4
Needs Debian's python3-torch, python3-torchvision and python3-onnx.
"""
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision.models as models


class CifarBasicBlock(nn.Module):
    """He et al. 2016's CIFAR block: option A shortcuts subsample and zero-pad channels, option B project (1x1 + BN)."""

    def __init__(self, inputs, planes, stride, option):
        super().__init__()
        self.conv1 = nn.Conv2d(inputs, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.option = option
        self.reshape = stride != 1 or inputs != planes
        self.pad = planes // 4
        if self.reshape and option == "B":
            self.projection = nn.Sequential(nn.Conv2d(inputs, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))

    def shortcut(self, x):
        if not self.reshape:
            return x
        if self.option == "A":
            return F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, self.pad, self.pad))
        return self.projection(x)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(out)) + self.shortcut(x))


class CifarResNet20(nn.Module):
    def __init__(self, option):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.bn = nn.BatchNorm2d(16)
        layers = []
        inputs = 16
        for stage, planes in enumerate((16, 32, 64)):
            for block in range(3):
                layers.append(CifarBasicBlock(inputs, planes, 2 if stage > 0 and block == 0 else 1, option))
                inputs = planes
        self.layers = nn.Sequential(*layers)
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = self.layers(F.relu(self.bn(self.conv(x))))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


class CifarVgg16(nn.Module):
    """VGG-16 with batchnorm for 32x32 inputs and the 512-512-10 classifier of the common CIFAR ports."""

    def __init__(self):
        super().__init__()
        layers = []
        inputs = 3
        for width in (64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"):
            if width == "M":
                layers.append(nn.MaxPool2d(2))
            else:
                layers += [nn.Conv2d(inputs, width, 3, padding=1), nn.BatchNorm2d(width), nn.ReLU()]
                inputs = width
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


def torchvision_model(name, **options):
    return lambda: getattr(models, name)(weights=None, **options)


# name: (constructor, input size, seed)
MODELS = {
    "vgg16": (torchvision_model("vgg16"), 224, 1),
    "vgg16_bn": (torchvision_model("vgg16_bn"), 224, 2),
    "resnet18": (torchvision_model("resnet18"), 224, 3),
    "resnet50": (torchvision_model("resnet50"), 224, 4),
    "inception_v3": (torchvision_model("inception_v3", aux_logits=False, init_weights=True,
                                       transform_input=False), 299, 5),
    "inception_v3_transform_input": (torchvision_model("inception_v3", aux_logits=False, init_weights=True,
                                                       transform_input=True), 299, 6),
    "googlenet": (torchvision_model("googlenet", aux_logits=False, init_weights=True, transform_input=False), 224, 7),
    "squeezenet1_1": (torchvision_model("squeezenet1_1"), 224, 8),
    "mobilenet_v2": (torchvision_model("mobilenet_v2"), 224, 9),
    "densenet121": (torchvision_model("densenet121"), 224, 10),
    "alexnet": (torchvision_model("alexnet"), 224, 11),
    "resnet20_option_a": (lambda: CifarResNet20("A"), 32, 12),
    "resnet20_option_b": (lambda: CifarResNet20("B"), 32, 13),
    "vgg16_cifar": (CifarVgg16, 32, 14),
}


def export(name, folder):
    make, size, seed = MODELS[name]
    torch.manual_seed(seed)
    model = make().eval()
    with torch.no_grad():
        for bn in (m for m in model.modules() if isinstance(m, nn.BatchNorm2d)):
            bn.weight.uniform_(0.5, 1.5)
            bn.bias.uniform_(-0.2, 0.2)
            bn.running_mean.uniform_(-0.1, 0.1)
            bn.running_var.uniform_(0.5, 1.5)
        x = torch.rand(2, 3, size, size)
        y32 = model(x).numpy()
        y64 = model.double()(x.double()).numpy()
    model.float()
    torch.onnx.export(model, x[:1], os.path.join(folder, name + ".onnx"), opset_version=13, input_names=["x"],
                      output_names=["y"], dynamic_axes={"x": {0: "N"}, "y": {0: "N"}})
    np.savez(os.path.join(folder, name + ".npz"), x=x.numpy(), y32=y32, y64=y64)


def main(folder, names):
    for name in names or sorted(MODELS):
        export(name, folder)
        print(name, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
