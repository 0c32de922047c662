"""Exports real PyTorch/torchvision models to ONNX as test fixtures for cleave.

cleave itself never runs Python; these files only let its tests read graphs exactly as
torch.onnx writes them (opsets 9-17, dynamic batch dims, Shape->Gather->Concat->Reshape
chains, Constant nodes, fused Conv+BN, attention blocks). Weights are stripped so the files
stay small: every float initializer of more than 16 values is written with its dims and no
data, and the model is tagged `cleave.weights=stripped`; tests refill them with seeded values
(test-support/fixtures.ts).

Run (Debian: apt-get install python3-torch python3-torchvision python3-onnx libblas3):
  /usr/bin/python3 test-fixtures/torch/export.py
"""
import os
import torch
import torchvision
import onnx

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(0)


class ViewFlatten(torch.nn.Module):
    """A small CNN flattening with x.view(x.size(0), -1): exported as shape arithmetic."""

    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 8, 3, padding=1)
        self.bn1 = torch.nn.BatchNorm2d(8)
        self.conv2 = torch.nn.Conv2d(8, 16, 3, stride=2, padding=1)
        self.pool = torch.nn.MaxPool2d(2)
        self.fc = torch.nn.Linear(16 * 7 * 7, 10)

    def forward(self, x):
        x = torch.relu(self.bn1(self.conv1(x)))
        x = self.pool(torch.relu(self.conv2(x)))
        x = x.view(x.size(0), -1)
        return torch.log_softmax(self.fc(x), dim=1)


def strip(model: onnx.ModelProto) -> onnx.ModelProto:
    for t in model.graph.initializer:
        n = 1
        for d in t.dims:
            n *= d
        if t.data_type in (onnx.TensorProto.FLOAT, onnx.TensorProto.FLOAT16) and n > 16:
            t.ClearField('raw_data')
            t.ClearField('float_data')
    entry = model.metadata_props.add()
    entry.key, entry.value = 'cleave.weights', 'stripped'
    return model


def export(name, module, shape, opset, dynamic=True):
    module.eval()
    path = os.path.join(HERE, f'{name}.onnx')
    x = torch.randn(*shape)
    kwargs = dict(input_names=['input'], output_names=['output'], opset_version=opset, do_constant_folding=True)
    if dynamic:
        kwargs['dynamic_axes'] = {'input': {0: 'batch'}, 'output': {0: 'batch'}}
    torch.onnx.export(module, x, path, **kwargs)
    onnx.save(strip(onnx.load(path)), path)
    print(f'{name}: opset {opset}, {os.path.getsize(path)} bytes')


tv = torchvision.models
export('view-flatten-opset11', ViewFlatten(), (1, 1, 28, 28), 11)
export('resnet18-opset17', tv.resnet18(), (1, 3, 224, 224), 17)
export('resnet50-opset13', tv.resnet50(), (1, 3, 224, 224), 13)
export('mobilenet_v2-opset13', tv.mobilenet_v2(), (1, 3, 224, 224), 13)
export('squeezenet1_1-opset9', tv.squeezenet1_1(), (1, 3, 224, 224), 9)
export('googlenet-opset11', tv.googlenet(aux_logits=False, init_weights=True), (1, 3, 224, 224), 11)
export('densenet121-opset12', tv.densenet121(), (1, 3, 224, 224), 12)
export('shufflenet_v2_x1_0-opset11', tv.shufflenet_v2_x1_0(), (1, 3, 224, 224), 11)
export('efficientnet_b0-opset13', tv.efficientnet_b0(), (1, 3, 224, 224), 13)
export('alexnet-opset9', tv.alexnet(), (1, 3, 224, 224), 9, dynamic=False)
export('vgg11_bn-opset10', tv.vgg11_bn(), (1, 3, 224, 224), 10)
export('convnext_tiny-opset17', tv.convnext_tiny(), (1, 3, 224, 224), 17)
export('vit_b_16-opset14', tv.vit_b_16(), (1, 3, 224, 224), 14)
