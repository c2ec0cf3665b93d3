package org.snnc.tests;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.passes.CompilationInputs;
import org.snnc.compiler.passes.ConversionOptions;
import org.snnc.compiler.passes.IrDumps;
import org.snnc.compiler.passes.Pass;
import org.snnc.compiler.passes.PassManager;
import org.snnc.compiler.passes.PassRun;
import org.snnc.compiler.passes.Passes;
import org.snnc.compiler.passes.PipelineResult;
import org.snnc.compiler.passes.Progress;
import org.snnc.targets.TargetPipeline;
import org.snnc.targets.emit.Configuration;
import org.snnc.targets.emit.ConfigurationEmitter;
import org.snnc.targets.mapping.CoreAllocator;
import org.snnc.targets.mapping.Mapper;
import org.snnc.targets.mapping.Mapping;
import org.snnc.targets.net.SynapticNetwork;
import org.snnc.targets.quant.Quantize;
import org.snnc.targets.quant.QuantizeOptions;
import org.snnc.targets.spec.ChipSpec;

/**
 * Compiles an in-memory network for a chip in the stages of {@code snnc compile} ({@code CompileCommand}), timing
 * each: {@link TargetPipeline#adapt}, the standard conversion with {@link ConversionOptions#defaults()},
 * {@link Quantize} with the default zero-reset ratio, {@link SynapticNetwork#of}, {@link Mapper#map} with the chip's
 * default allocator, and {@link ConfigurationEmitter}. For benchmarks and compile tests; one instance per compile.
 */
public final class ChipCompilation {

    /** {@code snnc compile}'s default {@code --zero-reset-ratio}. */
    public static final int ZERO_RESET_RATIO = 8;

    /** One timed stage. */
    public record Stage(String name, long nanos) {
    }

    private final ChipSpec chip;
    private final List<Stage> stages = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    public ChipCompilation(ChipSpec chip) {
        this.chip = chip;
    }

    /** Converts and quantizes {@code graph} with {@code calibration}, then gives the quantized synaptic network. */
    public SynapticNetwork quantize(Graph graph, double[][] calibration, int threads) {
        Graph quantized = quantizedGraph(graph, calibration, threads);
        long start = System.nanoTime();
        SynapticNetwork network = SynapticNetwork.of(quantized);
        stages.add(new Stage("synaptic network", System.nanoTime() - start));
        return network;
    }

    /** Converts and quantizes {@code graph} with {@code calibration}: quantized.snn's graph. */
    public Graph quantizedGraph(Graph graph, double[][] calibration, int threads) {
        long start = System.nanoTime();
        TargetPipeline.TargetOptions adapted = TargetPipeline.adapt(chip, ConversionOptions.defaults(), graph);
        notes.addAll(adapted.notes());
        List<Pass> pipeline = new ArrayList<>(Passes.standard(adapted.options()));
        pipeline.add(new Quantize(new QuantizeOptions(chip, ZERO_RESET_RATIO)));
        PipelineResult converted = new PassManager(pipeline, IrDumps.NONE)
                .run(graph, new CompilationInputs(Optional.of(calibration), threads, Progress.NONE));
        long quantized = System.nanoTime();
        long quantizeNanos = converted.runs().stream().filter(run -> run.pass().equals("quantize"))
                .mapToLong(PassRun::wallNanos).sum();
        stages.add(new Stage("conversion (" + calibration.length + " calibration images)",
                quantized - start - quantizeNanos));
        stages.add(new Stage("quantization", quantizeNanos));
        return converted.graph();
    }

    /** Places {@code network} with the chip's default allocator; a refusal is a CompilationException. */
    public Mapping map(SynapticNetwork network) {
        long start = System.nanoTime();
        Mapping mapping = Mapper.map(network, chip, CoreAllocator.defaultFor(chip));
        stages.add(new Stage("mapping (" + mapping.allocator() + ")", System.nanoTime() - start));
        return mapping;
    }

    /** The configuration of {@code mapping}, as config.json's canonical bytes. */
    public byte[] emit(Mapping mapping) {
        long start = System.nanoTime();
        Configuration configuration = ConfigurationEmitter.configuration(mapping);
        byte[] bytes = ConfigurationEmitter.toBytes(configuration);
        stages.add(new Stage("emission (Configuration + bytes)", System.nanoTime() - start));
        return bytes;
    }

    /** Records a stage timed outside, such as building or importing the network. */
    public void record(String stage, long nanos) {
        stages.add(new Stage(stage, nanos));
    }

    public ChipSpec chip() {
        return chip;
    }

    /** The stages so far, in order. */
    public List<Stage> stages() {
        return List.copyOf(stages);
    }

    /** What {@link TargetPipeline#adapt} said it changed for the chip. */
    public List<String> notes() {
        return List.copyOf(notes);
    }
}
