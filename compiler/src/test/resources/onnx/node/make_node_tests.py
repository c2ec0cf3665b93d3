#!/usr/bin/env python3
"""Writes ONNX's own backend node tests for the operators snnc imports, in the form OnnxNodeConformanceTest reads.

ONNX ships each operator's conformance cases as Python (onnx.backend.test.case.node): a one-node model, its inputs
and the expected outputs, computed by ONNX's reference implementation. snnc imports weights only as constants, so
every input but the first becomes an initializer holding the case's value; the first stays the graph's input, its
first axis the batch. Only the first output is kept (MaxPool's indices, Dropout's mask are not snnc's). Rerun from
the repository root after upgrading python3-onnx, and commit the changed files:

    /usr/bin/python3 compiler/src/test/resources/onnx/node/make_node_tests.py

Outputs, in this folder, for every case NAME of an operator in OPERATORS:
  NAME.onnx  the model
  NAME.npz   'x', the first input, and 'y', the expected first output (float64)
and, for an element-wise case on a rank-3 input, NAME_unsqueezed.onnx/.npz (see unsqueezed()).
Cases whose first input is not float, or holds more than MAX_INPUT values, are left out.
"""
import os

import numpy as np

# The Debian onnx (1.12) collects every operator's cases, and a few of them still use numpy aliases that numpy 1.24
# removed; give them back before importing the collector.
for alias, builtin in (("float", float), ("int", int), ("bool", bool), ("object", object), ("complex", complex)):
    if alias not in np.__dict__:
        setattr(np, alias, builtin)

import onnx  # noqa: E402
from onnx import helper, numpy_helper  # noqa: E402
from onnx.backend.test.case import node  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
# Larger inputs (the 3-D pools' 32x32x32) only make the committed files big: snnc refuses 3-D pools anyway.
MAX_INPUT = 10000

# The operators of snnc's table (OnnxOperators) whose cases compute on a float activation.
OPERATORS = {"Add", "AveragePool", "BatchNormalization", "Clip", "Concat", "Conv", "Div", "Dropout", "Flatten",
             "Gemm", "GlobalAveragePool", "Identity", "MatMul", "MaxPool", "Mul", "Pad", "ReduceMean", "Relu",
             "Reshape", "Slice", "Softmax", "Squeeze", "Sub", "Transpose", "Unsqueeze"}
# Operators that act element by element (with numpy broadcasting), whose cases on a [A, B, C] input snnc refuses
# but which also run, unchanged in every value, on [A, B, C, 1]: those cases are written a second time so.
ELEMENTWISE = {"Add", "Clip", "Div", "Dropout", "Identity", "Mul", "Relu", "Sub"}


def frozen(name, model, inputs):
    """The case's model with inputs 1… as initializers and only its first output."""
    graph = model.graph
    op = graph.node[0]
    first = graph.input[0]
    initializers = [numpy_helper.from_array(np.asarray(value), name)
                    for name, value in zip([i.name for i in graph.input[1:]], inputs[1:])]
    kept = helper.make_node(op.op_type, list(op.input), [op.output[0]], name=op.name or name,
                            domain=op.domain, **{a.name: helper.get_attribute_value(a) for a in op.attribute})
    out = next(o for o in graph.output if o.name == op.output[0])
    return helper.make_model(helper.make_graph([kept], name, [first], [out], initializers),
                             opset_imports=model.opset_import, ir_version=model.ir_version)


def unsqueezed(name, model, inputs, outputs):
    """An element-wise case with a trailing axis of size 1 appended to every operand and output, which keeps every
    value and every broadcast: a [3, 4, 5] input, which snnc refuses, becomes the N x C x H x W input [3, 4, 5, 1]."""
    graph = model.graph
    shaped = [np.asarray(value)[..., np.newaxis] if np.ndim(value) > 0 else value for value in inputs]
    first = helper.make_tensor_value_info(graph.input[0].name, graph.input[0].type.tensor_type.elem_type,
                                          shaped[0].shape)
    out = np.asarray(outputs[0])[..., np.newaxis]
    output = helper.make_tensor_value_info(graph.node[0].output[0], graph.output[0].type.tensor_type.elem_type,
                                           out.shape)
    derived = onnx.ModelProto()
    derived.CopyFrom(model)
    del derived.graph.input[:]
    derived.graph.input.extend([first] + list(graph.input[1:]))
    del derived.graph.output[:]
    derived.graph.output.extend([output])
    return name + "_unsqueezed", derived, shaped, [out]


def write(name, model, inputs, outputs):
    onnx.save(frozen(name, model, inputs), os.path.join(HERE, name + ".onnx"))
    np.savez(os.path.join(HERE, name + ".npz"), x=inputs[0].astype(np.float64),
             y=np.asarray(outputs[0]).astype(np.float64))


def main():
    written = 0
    for case in node.collect_testcases(None):
        graph = case.model.graph
        if len(graph.node) != 1 or graph.node[0].op_type not in OPERATORS or not case.data_sets:
            continue
        inputs, outputs = case.data_sets[0]
        if not isinstance(inputs[0], np.ndarray) or inputs[0].dtype.kind != "f" or inputs[0].size > MAX_INPUT:
            continue
        write(case.name, case.model, inputs, outputs)
        written += 1
        if graph.node[0].op_type in ELEMENTWISE and inputs[0].ndim == 3:
            write(*unsqueezed(case.name, case.model, inputs, outputs))
            written += 1
    print(written, "cases")


if __name__ == "__main__":
    main()
