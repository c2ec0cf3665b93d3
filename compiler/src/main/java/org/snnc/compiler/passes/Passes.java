package org.snnc.compiler.passes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;

/** The catalogue of conversion passes by name, and the standard pipeline in its order. */
public final class Passes {

    /** Every pass, in the order of the standard pipeline; the optional ones run as the options say. */
    private static final Map<String, Function<ConversionOptions, Pass>> CATALOGUE = catalogue();

    /** The pass the standard pipeline leaves out unless {@link ConversionOptions#maxPoolToAvgPool()} asks. */
    private static final String MAXPOOL_TO_AVGPOOL = "maxpool-to-avgpool";

    /** The pass the standard pipeline leaves out unless {@link ConversionOptions#foldPoolIntoDense()} asks. */
    private static final String FOLD_POOL_INTO_DENSE = "fold-pool-into-dense";

    private Passes() {
    }

    private static Map<String, Function<ConversionOptions, Pass>> catalogue() {
        Map<String, Function<ConversionOptions, Pass>> passes = new LinkedHashMap<>();
        passes.put("remove-dropout", options -> new RemoveDropout());
        passes.put("canonicalize", options -> new Canonicalize());
        passes.put(MAXPOOL_TO_AVGPOOL, options -> new MaxPoolToAvgPool());
        passes.put(FOLD_POOL_INTO_DENSE, options -> new FoldPoolIntoDense());
        passes.put("fold-batchnorm", options -> new FoldBatchNorm());
        passes.put("fold-affine", options -> new FoldAffine());
        passes.put("compose-linear", options -> new ComposeLinear());
        passes.put("normalize", options -> new Normalize(options.normalize()));
        passes.put("to-spiking", options -> new ToSpiking(options.reset()));
        passes.put("bias-as-current", options -> new BiasAsCurrent());
        passes.put("maxpool-gating", options -> new MaxPoolGating(options.gateEmaDecay()));
        passes.put("analog-input", options -> new AnalogInput(options.encoding(), options.seed()));
        passes.put("readout", options -> new AddReadout(options.readout(), options.seed()));
        return passes;
    }

    /** The pass names, in standard order. */
    public static List<String> names() {
        return List.copyOf(CATALOGUE.keySet());
    }

    /** The standard pipeline: ANN in, fully converted spiking network out. */
    public static List<Pass> standard(ConversionOptions options) {
        return CATALOGUE.entrySet().stream()
                .filter(pass -> !pass.getKey().equals(MAXPOOL_TO_AVGPOOL) || options.maxPoolToAvgPool())
                .filter(pass -> !pass.getKey().equals(FOLD_POOL_INTO_DENSE) || options.foldPoolIntoDense())
                .map(pass -> pass.getValue().apply(options)).toList();
    }

    /**
     * The passes a comma-separated list names, in its order.
     *
     * @throws CompilationException (E0701) for an unknown name
     */
    public static List<Pass> parse(String commaSeparated, ConversionOptions options) {
        List<Pass> pipeline = new ArrayList<>();
        for (String name : commaSeparated.split(",", -1)) {
            Function<ConversionOptions, Pass> make = CATALOGUE.get(name.strip());
            if (make == null) {
                throw CompilationException.of(DiagnosticCode.UNKNOWN_PASS, SourceSpan.GENERATED, name.strip(),
                        String.join(", ", names()));
            }
            pipeline.add(make.apply(options));
        }
        return pipeline;
    }
}
