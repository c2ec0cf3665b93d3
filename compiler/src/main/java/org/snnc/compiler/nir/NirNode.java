package org.snnc.compiler.nir;

import java.util.List;
import org.snnc.compiler.ir.Tensor;

/**
 * One node of a NIR graph (Pedersen et al. 2024), with its fields as the file stores them. NIR defines its neurons
 * as continuous-time equations (τ in seconds, r a resistance) and leaves the step rule to the reader: how a node is
 * advanced in discrete time is {@link NirConventions}' business, never this model's.
 *
 * <p>Array fields keep the shape they were written with: a neuron parameter may be a 0-d scalar that broadcasts over
 * the population, or an array of the population's shape.
 */
public sealed interface NirNode {

    /** The node's type as NIR spells it, e.g. {@code CubaLIF}. */
    String type();

    /** The shape of the data a graph's Input node emits each step. */
    record Input(List<Integer> shape) implements NirNode {
        public String type() {
            return "Input";
        }
    }

    /** The shape of the data a graph's Output node passes on. */
    record Output(List<Integer> shape) implements NirNode {
        public String type() {
            return "Output";
        }
    }

    /** y = W·x + b, W of shape [out, in]. */
    record Affine(Tensor weight, Tensor bias) implements NirNode {
        public String type() {
            return "Affine";
        }
    }

    /** y = W·x. */
    record Linear(Tensor weight) implements NirNode {
        public String type() {
            return "Linear";
        }
    }

    /** y = s ⊙ x. */
    record Scale(Tensor scale) implements NirNode {
        public String type() {
            return "Scale";
        }
    }

    /**
     * PyTorch's Conv2d: weight [F, C/groups, kH, kW], bias [F]. {@code padding} is two integers, or the strings
     * {@code same} / {@code valid} held in {@code paddingMode} (then {@code padding} is empty, and otherwise
     * {@code paddingMode} is empty).
     */
    record Conv2d(Tensor weight, Tensor bias, List<Integer> stride, List<Integer> padding, String paddingMode,
            List<Integer> dilation, int groups, List<Integer> inputShape) implements NirNode {
        public String type() {
            return "Conv2d";
        }
    }

    /** PyTorch's Conv1d: weight [F, C/groups, k], bias [F]. */
    record Conv1d(Tensor weight, Tensor bias, int stride, int padding, String paddingMode, int dilation,
            int groups, List<Integer> inputShape) implements NirNode {
        public String type() {
            return "Conv1d";
        }
    }

    /** Sum over each window, per channel. */
    record SumPool2d(List<Integer> kernelSize, List<Integer> stride, List<Integer> padding) implements NirNode {
        public String type() {
            return "SumPool2d";
        }
    }

    /** Mean over each window (kernel area, padding included), per channel. */
    record AvgPool2d(List<Integer> kernelSize, List<Integer> stride, List<Integer> padding) implements NirNode {
        public String type() {
            return "AvgPool2d";
        }
    }

    /** Merges axes start … end (inclusive, negative counts from the end) of a value without batch axis. */
    record Flatten(int startDim, int endDim, List<Integer> inputShape) implements NirNode {
        public String type() {
            return "Flatten";
        }
    }

    /** Passes its input on after {@code delay} seconds. */
    record Delay(Tensor delay) implements NirNode {
        public String type() {
            return "Delay";
        }
    }

    /** A Heaviside: 1 where x exceeds the threshold. */
    record Threshold(Tensor threshold) implements NirNode {
        public String type() {
            return "Threshold";
        }
    }

    /** Integrator: dv/dt = r·x. */
    record I(Tensor r) implements NirNode {
        public String type() {
            return "I";
        }
    }

    /** Integrate-and-fire: dv/dt = r·x, a spike when v crosses v_threshold, then v ← v_reset. */
    record IF(Tensor r, Tensor vThreshold, Tensor vReset) implements NirNode {
        public String type() {
            return "IF";
        }
    }

    /** Leaky integrator: τ·dv/dt = v_leak − v + r·x. */
    record LI(Tensor tau, Tensor r, Tensor vLeak) implements NirNode {
        public String type() {
            return "LI";
        }
    }

    /** Leaky integrate-and-fire: τ·dv/dt = v_leak − v + r·x, with threshold and reset as {@link IF}. */
    record LIF(Tensor tau, Tensor r, Tensor vLeak, Tensor vThreshold, Tensor vReset) implements NirNode {
        public String type() {
            return "LIF";
        }
    }

    /** Current-based leaky integrator: τ_syn·dI/dt = −I + w_in·x; τ_mem·dv/dt = v_leak − v + r·I. */
    record CubaLI(Tensor tauSyn, Tensor tauMem, Tensor r, Tensor vLeak, Tensor wIn) implements NirNode {
        public String type() {
            return "CubaLI";
        }
    }

    /** Current-based LIF: {@link CubaLI}'s two equations, with threshold and reset as {@link IF}. */
    record CubaLIF(Tensor tauSyn, Tensor tauMem, Tensor r, Tensor vLeak, Tensor vThreshold, Tensor vReset, Tensor wIn)
            implements NirNode {
        public String type() {
            return "CubaLIF";
        }
    }

    /** A graph nested as one node: an edge into it enters its Input nodes, an edge out of it leaves its Output. */
    record Graph(NirGraph graph) implements NirNode {
        public String type() {
            return "NIRGraph";
        }
    }

    /** The node types snnc reads, as NIR spells them. */
    List<String> TYPES = List.of("Input", "Output", "Affine", "Linear", "Scale", "Conv1d", "Conv2d", "SumPool2d",
            "AvgPool2d", "Flatten", "Delay", "Threshold", "I", "IF", "LI", "LIF", "CubaLI", "CubaLIF", "NIRGraph");
}
