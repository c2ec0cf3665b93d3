package org.snnc.compiler.frontend.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.snnc.compiler.ir.Add;
import org.snnc.compiler.ir.AvgPool;
import org.snnc.compiler.ir.BatchNorm;
import org.snnc.compiler.ir.Concat;
import org.snnc.compiler.ir.Conv2d;
import org.snnc.compiler.ir.Dense;
import org.snnc.compiler.ir.Dropout;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.FixedPoint;
import org.snnc.compiler.ir.IfNeurons;
import org.snnc.compiler.ir.Input;
import org.snnc.compiler.ir.MaxPoolGate;
import org.snnc.compiler.ir.PreviousStep;
import org.snnc.compiler.ir.Readout;
import org.snnc.compiler.ir.ReadoutWindow;
import org.snnc.compiler.ir.Relu;
import org.snnc.compiler.ir.ResetMode;
import org.snnc.compiler.ir.SpikeEncoder;
import org.snnc.compiler.ir.MaxPool;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.Padding;
import org.snnc.compiler.ir.ParamRef;
import org.snnc.compiler.ir.Scale;
import org.snnc.compiler.ir.Window2d;

/**
 * Writes a graph in the network language. The output is canonical: one statement a line in definition order,
 * attributes in a fixed order, and an attribute left out exactly when it has its default value (stride 1 and
 * padding 0 for convolutions, stride = kernel for pooling, groups 1, count_include_pad false, ε 1e-5, rate 0.5,
 * threshold 1, reset by subtraction, the running-count gate estimator, seed 0;
 * encode and readout always write their mode for the reader's sake).
 * Hence {@code print(parse(print(g))) = print(g)}, and parsing the text gives back a graph equal to {@code g} but for
 * source spans.
 */
public final class SnnPrinter {

    private SnnPrinter() {
    }

    public static String print(Graph graph) {
        StringBuilder out = new StringBuilder();
        out.append("network ").append(graph.name()).append('\n');
        graph.weightsFile().ifPresent(file -> out.append("weights ").append(StringLiterals.quote(file)).append('\n'));
        out.append('\n');
        for (Node node : graph.nodes().values()) {
            if (node.name().equals(graph.output())) {
                out.append("output ");
            }
            out.append(statement(node)).append('\n');
        }
        return out.toString();
    }

    private static String statement(Node node) {
        if (node instanceof Input input) {
            return "input " + input.name() + ": " + input.dtype() + input.shape() + scale(input.scale());
        }
        List<String> args = new ArrayList<>(node.inputs());
        if (node instanceof Conv2d conv) {
            args.add("filters=" + conv.filters());
            window(args, conv.window(), 1, 1);
            if (conv.groups() != 1) {
                args.add("groups=" + conv.groups());
            }
        } else if (node instanceof Dense dense) {
            args.add("units=" + dense.units());
        } else if (node instanceof BatchNorm bn && bn.epsilon() != TreeLowering.DEFAULT_BATCHNORM_EPSILON) {
            args.add("eps=" + Numbers.format(bn.epsilon()));
        } else if (node instanceof AvgPool pool) {
            window(args, pool.window(), pool.window().kernelH(), pool.window().kernelW());
            if (pool.countIncludePad()) {
                args.add("count_include_pad=true");
            }
        } else if (node instanceof MaxPool pool) {
            window(args, pool.window(), pool.window().kernelH(), pool.window().kernelW());
        } else if (node instanceof Relu relu && relu.clipped()) {
            args.add("max=" + Numbers.format(relu.ceiling()));
        } else if (node instanceof Dropout dropout && dropout.rate() != TreeLowering.DEFAULT_DROPOUT_RATE) {
            args.add("rate=" + Numbers.format(dropout.rate()));
        } else if (node instanceof SpikeEncoder encoder) {
            args.add("mode=" + encoder.encoding());
            seed(args, encoder.seed());
        } else if (node instanceof IfNeurons neurons) {
            if (neurons.threshold() != IfNeurons.UNIT_THRESHOLD) {
                args.add("threshold=" + Numbers.format(neurons.threshold()));
            }
            if (neurons.reset() != ResetMode.SUBTRACT) {
                args.add("reset=" + neurons.reset());
            }
            if (neurons.initialMembrane() != 0) {
                args.add("v0=" + Numbers.format(neurons.initialMembrane()));
            }
            neurons.decay().ifPresent(decay -> {
                args.add(TreeLowering.CURRENT_DECAY + "=" + Numbers.format(decay.current()));
                args.add(TreeLowering.VOLTAGE_DECAY + "=" + Numbers.format(decay.voltage()));
            });
            neurons.fixed().ifPresent(fixed -> fixedPoint(args, fixed));
        } else if (node instanceof MaxPoolGate gate) {
            window(args, gate.window(), gate.window().kernelH(), gate.window().kernelW());
            gate.emaDecay().ifPresent(decay -> {
                args.add("estimator=ema");
                args.add("decay=" + Numbers.format(decay));
            });
        } else if (node instanceof PreviousStep previous) {
            args.add(previous.source());
            args.add("shape=" + previous.shape());
        } else if (node instanceof Readout readout) {
            args.add("mode=" + readout.mode());
            if (readout.window() != ReadoutWindow.ALL) {
                args.add("window=" + readout.window());
            }
            seed(args, readout.seed());
        }
        for (Map.Entry<String, ParamRef> parameter : node.parameters().entrySet()) {
            args.add(parameter.getKey() + "=" + StringLiterals.quote(parameter.getValue().key()));
        }
        return node.name() + " = " + node.operator() + "(" + String.join(", ", args) + ")";
    }

    private static void seed(List<String> args, long seed) {
        if (seed != 0) {
            args.add("seed=" + seed);
        }
    }

    private static String scale(Scale scale) {
        if (scale.equals(Scale.ONE)) {
            return "";
        }
        String text = " scale " + Numbers.format(scale.numerator());
        return scale.denominator() == 1 ? text : text + "/" + Numbers.format(scale.denominator());
    }

    private static void window(List<String> args, Window2d window, int defaultStrideH, int defaultStrideW) {
        args.add("kernel=" + pair(window.kernelH(), window.kernelW()));
        if (window.strideH() != defaultStrideH || window.strideW() != defaultStrideW) {
            args.add("stride=" + pair(window.strideH(), window.strideW()));
        }
        Padding p = window.padding();
        if (!p.equals(Padding.NONE)) {
            args.add("padding=" + padding(p));
        }
    }

    private static String pair(int height, int width) {
        return height == width ? Integer.toString(height) : "[" + height + ", " + width + "]";
    }

    private static String padding(Padding p) {
        if (p.isSymmetric()) {
            return pair(p.top(), p.left());
        }
        return "[" + p.top() + ", " + p.left() + ", " + p.bottom() + ", " + p.right() + "]";
    }

    private static void fixedPoint(List<String> args, FixedPoint fixed) {
        args.add("weight_bits=" + fixed.weightBits());
        args.add("weight_exponent=" + fixed.weightExponent());
        args.add("accumulator_bits=" + fixed.accumulatorBits());
        args.add("state_bits=" + fixed.stateBits());
        args.add("overflow=" + fixed.overflow());
        fixed.membraneFloor().ifPresent(floor -> args.add("floor=" + floor));
        args.add("fire=" + fixed.fire());
        fixed.decay().ifPresent(decay -> {
            args.add(TreeLowering.CURRENT_DECAY + "=" + decay.current());
            args.add(TreeLowering.VOLTAGE_DECAY + "=" + decay.voltage());
        });
    }
}
