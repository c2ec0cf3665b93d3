package org.snnc.compiler.passes;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snnc.compiler.ir.AvgPool;
import org.snnc.compiler.ir.Dense;
import org.snnc.compiler.ir.Flatten;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.GraphBuilder;
import org.snnc.compiler.ir.Node;
import org.snnc.compiler.ir.ParamRef;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Tensor;
import org.snnc.compiler.ir.Verifier;
import org.snnc.compiler.ir.Window2d;

/**
 * Folds an average pooling into the dense layer that reads it through a flatten, so that the pool costs no layer of
 * IF neurons: dense ∘ flatten ∘ avgpool is linear, hence one dense layer over flatten(x).
 *
 * <p>With x of shape [C,H,W], the pool's output p[c,i,j] = Σ_{(h,w) ∈ win(i,j)} x[c,h,w] / n(i,j), where win(i,j) is
 * window (i,j)'s positions inside the unpadded input and n(i,j) its divisor ({@link AvgPool}: kH·kW, or the count of
 * win(i,j) without {@code countIncludePad}). A dense layer y[o] = b[o] + Σ_{c,i,j} W[o,(c,i,j)]·p[c,i,j] is then
 * <pre>
 *   y[o] = b[o] + Σ_{c,h,w} W′[o,(c,h,w)]·x[c,h,w],      W′[o,(c,h,w)] = Σ_{(i,j) : (h,w) ∈ win(i,j)} W[o,(c,i,j)] / n(i,j)
 * </pre>
 * exactly; the bias is unchanged. A global average pool (one window over all of H×W) makes W′[o,(c,h,w)] =
 * W[o,c]/(H·W). The pattern folds when the pool's only reader is the flatten and the flatten's only reader is the
 * dense layer, neither being the output.
 *
 * <p>Why it matters for the spiking network: as IF neurons, a pool of n inputs at rate r fires its first spike only
 * after about 1/r steps, and its count is its input's sum/n rounded down, an error of up to one spike per channel
 * that the dense layer multiplies by W; a global pool of a ResNet carries its classes in small differences of those
 * counts. Folded, the dense layer integrates every input spike with weight W/n: no rounding, no onset latency and one
 * hop fewer. The price is a dense fan-in n times larger (C·H·W instead of C·h·w synapses per unit).
 *
 * <p>The standard pipeline runs it only when {@link ConversionOptions#foldPoolIntoDense()} asks: CONVENTIONS.md, and
 * so the numpy reference, make every avgpool a layer of IF neurons, and the dense layer's synapses grow by the
 * window (a 7×7 global pool before ImageNet's classifier, 49 times), which a chip's synapse memory may not hold.
 */
public final class FoldPoolIntoDense implements Pass {

    @Override
    public String name() {
        return "fold-pool-into-dense";
    }

    @Override
    public String summary() {
        return "fold an average pooling read through a flatten by a dense layer into that layer's weights";
    }

    @Override
    public Set<Stage> requires() {
        return Set.of();
    }

    @Override
    public Set<Stage> establishes() {
        return Set.of();
    }

    @Override
    public Set<Stage> mustPrecede() {
        return EnumSet.of(Stage.NORMALIZED);
    }

    @Override
    public String mustPrecedeReason() {
        return "normalize must scale the dense layer that reads the pooled values directly";
    }

    @Override
    public Graph run(Graph graph, PassContext context) {
        Map<String, Shape> shapes = Verifier.verify(graph).shapes();
        GraphBuilder builder = graph.toBuilder();
        for (Node node : graph.nodes().values()) {
            if (node instanceof Dense dense
                    && graph.node(dense.input()) instanceof Flatten flatten
                    && graph.node(flatten.input()) instanceof AvgPool pool
                    && onlyReader(graph, flatten.name(), dense.name())
                    && onlyReader(graph, pool.name(), flatten.name())) {
                Shape in = shapes.get(pool.input());
                Tensor weight = graph.weights().get(dense.weight().key()).orElseThrow();
                ParamRef folded = builder.rewriteWeight(dense.weight(), dense.name() + ".weight",
                        fold(weight, pool, in.dim(0), in.dim(1), in.dim(2)));
                builder.replace(new Dense(dense.name(), dense.input(), dense.units(), folded, dense.bias(),
                        dense.span()));
                builder.replace(flatten.withInputs(List.of(pool.input()))).remove(pool.name());
                context.count("pools-folded", 1);
            }
        }
        return builder.pruneWeights().build();
    }

    private static boolean onlyReader(Graph graph, String value, String reader) {
        return !value.equals(graph.output()) && graph.users(value).equals(List.of(reader));
    }

    /** W′ of the class comment, [units, C·H·W], from W [units, C·h·w] and the pool over a [C,H,W] input. */
    static Tensor fold(Tensor weight, AvgPool pool, int channels, int height, int width) {
        Window2d window = pool.window();
        int outH = window.outputHeight(height);
        int outW = window.outputWidth(width);
        int units = weight.shape().dim(0);
        double[] w = weight.backingArray();
        double[] folded = new double[units * channels * height * width];
        for (int i = 0; i < outH; i++) {
            for (int j = 0; j < outW; j++) {
                int top = i * window.strideH() - window.padding().top();
                int left = j * window.strideW() - window.padding().left();
                int rowFrom = Math.max(top, 0);
                int rowTo = Math.min(top + window.kernelH(), height);
                int colFrom = Math.max(left, 0);
                int colTo = Math.min(left + window.kernelW(), width);
                int divisor = pool.countIncludePad() ? window.kernelH() * window.kernelW()
                        : (rowTo - rowFrom) * (colTo - colFrom);
                for (int o = 0; o < units; o++) {
                    for (int c = 0; c < channels; c++) {
                        double share = w[(o * channels + c) * outH * outW + i * outW + j] / divisor;
                        int base = (o * channels + c) * height * width;
                        for (int h = rowFrom; h < rowTo; h++) {
                            for (int x = colFrom; x < colTo; x++) {
                                folded[base + h * width + x] += share;
                            }
                        }
                    }
                }
            }
        }
        return Tensor.wrap(Shape.of(units, channels * height * width), folded);
    }
}
