package org.snnc.emulator;

import org.snnc.emulator.config.Configuration;

/**
 * One core's memories, in arrays indexed by the core's stored neuron, gate output or axon number. Built once by
 * {@link ChipBuilder} through a {@link Builder}; never changed afterwards.
 *
 * <p><b>Storage order.</b> The configuration numbers a core's neurons block by block ("local" numbers); the tables
 * store them grouped by layer, in the order the layers first appear among the blocks, and within a [C,H,W] layer in
 * (h, w, c) order across all of its blocks. {@link #internalOf} maps a local number to its stored one and
 * {@link #localOf} back. A convolution's targets at one output position are then consecutive stored neurons for every
 * interval of consecutive channels the core holds there, and at consecutive positions of a row they continue one
 * another when the core holds the same whole channel range at each.
 *
 * <p><b>Synapses.</b> Input axon a feeds the segments {@code axonSegment[a] .. axonSegment[a+1])}; segment s adds,
 * for k in [0, segmentCount[s]), the weight {@code weights[segmentSource[s]][segmentOffset[s] + k]} to stored neuron
 * {@code segmentNeuron[s] + k}. Source 0 is the core's dense rows, laid out axon by axon; the others are the
 * {@link KernelSlice}s the core applies, the same arrays for every core that applies them. So the tables grow with the
 * weights, the neurons and the axons, not with the synapses.
 */
final class CoreTables {
    final int id;
    final int neurons;
    final int gateOutputs;
    /**
     * Per stored neuron: threshold θ, initial membrane v0, bias b = mantissa·2^exponent, and whether a spike resets v
     * to 0.
     */
    final long[] threshold;
    final long[] initialMembrane;
    final long[] bias;
    final boolean[] resetToZero;
    /**
     * Per stored neuron: the 12-bit decays δu, δv of a CUBA compartment (4096 and 0 for integrate-and-fire); null
     * when no neuron of the core decays.
     */
    final int[] decayU;
    final int[] decayV;
    /** Per stored neuron: whether it is a replica, a copy of another core's neuron that this core's gates read. */
    final boolean[] replica;
    /** ownedBefore[n]: how many of stored neurons 0 .. n−1 are not replicas; ownedBefore[neurons] counts them all. */
    final int[] ownedBefore;
    /** Per neuron block of the configuration: its layer, first neuron in the layer and first local number. */
    final String[] blockLayer;
    final int[] blockFirst;
    final int[] blockLocal;
    /** Per layer held: its name and its stored neurons [layerFirst[l], layerFirst[l+1]) (the last ends at neurons). */
    final String[] layerName;
    final int[] layerFirst;
    /** Per gate block: its gate unit and its first slot (gate outputs are numbered after the neurons). */
    final String[] gateBlockUnit;
    final int[] gateBlockLocal;
    /** Gate output g reads stored neurons gateInputs[gateStart[g] .. gateStart[g+1]) in row-major window order. */
    final int[] gateStart;
    final int[] gateInputs;
    /** Emitting slot s (neurons, then gate outputs) sends to (routeCore, routeAxon)[routeStart[s] .. [s+1]). */
    final int[] routeStart;
    final int[] routeCore;
    final int[] routeAxon;
    /** The axons that carry the network input, and the input element each carries. */
    final int[] inputAxons;
    final int[] inputElements;
    final int[] internalOf;
    final int[] localOf;
    final int[] axonSegment;
    final int[] segmentNeuron;
    final int[] segmentCount;
    final int[] segmentSource;
    final int[] segmentOffset;
    final long[][] weights;

    private CoreTables(Builder builder) {
        this.id = builder.id;
        this.threshold = builder.threshold;
        this.neurons = threshold.length;
        this.gateOutputs = builder.gateStart.length - 1;
        this.bias = builder.bias;
        this.initialMembrane = builder.initialMembrane;
        this.resetToZero = builder.resetToZero;
        this.decayU = builder.decayU;
        this.decayV = builder.decayV;
        this.replica = builder.replica;
        this.ownedBefore = new int[neurons + 1];
        for (int n = 0; n < neurons; n++) {
            ownedBefore[n + 1] = ownedBefore[n] + (replica[n] ? 0 : 1);
        }
        this.blockLayer = builder.blockLayer;
        this.blockFirst = builder.blockFirst;
        this.blockLocal = builder.blockLocal;
        this.layerName = builder.layerName;
        this.layerFirst = builder.layerFirst;
        this.gateBlockUnit = builder.gateBlockUnit;
        this.gateBlockLocal = builder.gateBlockLocal;
        this.gateStart = builder.gateStart;
        this.gateInputs = builder.gateInputs;
        this.routeStart = builder.routeStart;
        this.routeCore = builder.routeCore;
        this.routeAxon = builder.routeAxon;
        this.inputAxons = builder.inputAxons;
        this.inputElements = builder.inputElements;
        this.internalOf = builder.internalOf;
        this.localOf = new int[internalOf.length];
        for (int local = 0; local < internalOf.length; local++) {
            localOf[internalOf[local]] = local;
        }
        this.axonSegment = builder.axonSegment;
        this.segmentNeuron = builder.segmentNeuron;
        this.segmentCount = builder.segmentCount;
        this.segmentSource = builder.segmentSource;
        this.segmentOffset = builder.segmentOffset;
        this.weights = builder.weights;
    }

    /** The number of input axons. */
    int axons() {
        return axonSegment.length - 1;
    }

    /** The synapses of axon a: the targets of all its segments, one synaptic operation each per event. */
    long synapses(int axon) {
        long count = 0;
        for (int s = axonSegment[axon]; s < axonSegment[axon + 1]; s++) {
            count += segmentCount[s];
        }
        return count;
    }

    /**
     * The synaptic operations of one event on axon a: its synapses onto the neurons the core owns. A replica's
     * synapses are the chip's extra work for a gate's overlapping windows, not the network's operations.
     */
    long operations(int axon) {
        long count = 0;
        for (int s = axonSegment[axon]; s < axonSegment[axon + 1]; s++) {
            count += ownedBefore[segmentNeuron[s] + segmentCount[s]] - ownedBefore[segmentNeuron[s]];
        }
        return count;
    }

    /** The weight segment s gives its k-th target. */
    long weight(int segment, int k) {
        return weights[segmentSource[segment]][segmentOffset[segment] + k];
    }

    /** A local neuron named as the layer's element, e.g. {@code probs[4]}. */
    String neuronName(int local) {
        return blockLayer[blockOf(local)] + "[" + elementOf(local) + "]";
    }

    /** The layer of a local neuron. */
    String layerOf(int local) {
        return blockLayer[blockOf(local)];
    }

    /** The layer element a local neuron updates (its own, or the one it replicates). */
    int elementOf(int local) {
        int block = blockOf(local);
        return blockFirst[block] + local - blockLocal[block];
    }

    /** The neuron block of a local neuron: blocks number their neurons in order. */
    private int blockOf(int local) {
        int block = blockLocal.length - 1;
        while (blockLocal[block] > local) {
            block--;
        }
        return block;
    }

    /**
     * The bytes of this core's own tables (the dense rows included, the kernel slices not): what grows with the
     * core's neurons, axons, routes and segments.
     */
    long bytes() {
        long ints = (long) internalOf.length * 2 + blockFirst.length + blockLocal.length + layerFirst.length
                + gateBlockLocal.length + gateStart.length + gateInputs.length + routeStart.length
                + routeCore.length * 2L + inputAxons.length * 2L + axonSegment.length
                + segmentNeuron.length * 4L;
        long longs = neurons * 2L + weights[0].length;
        return ints * Integer.BYTES + longs * Long.BYTES + neurons;
    }

    /** Whether stored neuron {@code i} is a CUBA compartment that decays (not δu = 4096, δv = 0). */
    boolean decays(int i) {
        return decayU != null && (decayU[i] != Configuration.DECAY_ONE || decayV[i] != 0);
    }

    /** Collects a core's tables; every field must be set before {@link #build}. */
    static final class Builder {
        private int id;
        private long[] threshold;
        private long[] initialMembrane;
        private long[] bias;
        private boolean[] resetToZero;
        private int[] decayU;
        private int[] decayV;
        private boolean[] replica;
        private String[] blockLayer;
        private int[] blockFirst;
        private int[] blockLocal;
        private String[] layerName;
        private int[] layerFirst;
        private String[] gateBlockUnit;
        private int[] gateBlockLocal;
        private int[] gateStart;
        private int[] gateInputs;
        private int[] routeStart;
        private int[] routeCore;
        private int[] routeAxon;
        private int[] inputAxons;
        private int[] inputElements;
        private int[] internalOf;
        private int[] axonSegment;
        private int[] segmentNeuron;
        private int[] segmentCount;
        private int[] segmentSource;
        private int[] segmentOffset;
        private long[][] weights;

        Builder id(int id) {
            this.id = id;
            return this;
        }

        /** Per stored neuron: θ, v0, b, the reset mode and whether it is a replica. */
        Builder neurons(long[] threshold, long[] initialMembrane, long[] bias, boolean[] resetToZero,
                boolean[] replica) {
            this.threshold = threshold;
            this.initialMembrane = initialMembrane;
            this.bias = bias;
            this.resetToZero = resetToZero;
            this.replica = replica;
            return this;
        }

        /** Per stored neuron: δu and δv, or both null when no neuron decays. */
        Builder decays(int[] u, int[] v) {
            this.decayU = u;
            this.decayV = v;
            return this;
        }

        /** The configuration's neuron blocks, to name neurons, and the stored order. */
        Builder blocks(String[] layer, int[] first, int[] local, int[] internalOf) {
            this.blockLayer = layer;
            this.blockFirst = first;
            this.blockLocal = local;
            this.internalOf = internalOf;
            return this;
        }

        /** The layers held, each over one range of stored neurons. */
        Builder layers(String[] name, int[] first) {
            this.layerName = name;
            this.layerFirst = first;
            return this;
        }

        Builder gates(String[] unit, int[] blockSlot, int[] start, int[] inputs) {
            this.gateBlockUnit = unit;
            this.gateBlockLocal = blockSlot;
            this.gateStart = start;
            this.gateInputs = inputs;
            return this;
        }

        Builder routes(int[] start, int[] core, int[] axon) {
            this.routeStart = start;
            this.routeCore = core;
            this.routeAxon = axon;
            return this;
        }

        Builder inputAxons(int[] axons, int[] elements) {
            this.inputAxons = axons;
            this.inputElements = elements;
            return this;
        }

        Builder synapses(int[] axonSegment, int[] neuron, int[] count, int[] source, int[] offset,
                         long[][] weights) {
            this.axonSegment = axonSegment;
            this.segmentNeuron = neuron;
            this.segmentCount = count;
            this.segmentSource = source;
            this.segmentOffset = offset;
            this.weights = weights;
            return this;
        }

        CoreTables build() {
            return new CoreTables(this);
        }
    }
}
