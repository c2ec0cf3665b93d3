package org.snnc.compiler.passes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;

/** The catalogue of conversion passes by name, and the standard pipeline in its order. */
public final class Passes {

    /** Every pass, in the order of the standard pipeline; {@link #OPTIONAL} ones run only when the options ask. */
    private static final Map<String, Function<ConversionOptions, Pass>> CATALOGUE = catalogue();

    /** The passes the standard pipeline runs only when the options ask for them. */
    private static final Map<String, Predicate<ConversionOptions>> OPTIONAL = Map.of(
            "maxpool-to-avgpool", ConversionOptions::maxPoolToAvgPool,
            "fold-pool-into-dense", ConversionOptions::foldPoolIntoDense,
            "initial-membrane", options -> options.initialMembrane() > 0,
            "calibrate-bias", options -> options.biasCalibrationSteps() > 0);

    private Passes() {
    }

    private static Map<String, Function<ConversionOptions, Pass>> catalogue() {
        Map<String, Function<ConversionOptions, Pass>> passes = new LinkedHashMap<>();
        passes.put("remove-dropout", options -> new RemoveDropout());
        passes.put("canonicalize", options -> new Canonicalize());
        passes.put("maxpool-to-avgpool", options -> new MaxPoolToAvgPool());
        passes.put("fold-pool-into-dense", options -> new FoldPoolIntoDense());
        passes.put("fold-batchnorm", options -> new FoldBatchNorm());
        passes.put("fold-affine", options -> new FoldAffine());
        passes.put("compose-linear", options -> new ComposeLinear());
        passes.put("normalize", options -> new Normalize(options.normalize()));
        passes.put("to-spiking", options -> new ToSpiking(options.reset()));
        passes.put("bias-as-current", options -> new BiasAsCurrent());
        passes.put("maxpool-gating", options -> new MaxPoolGating(options.gateEmaDecay()));
        passes.put("analog-input", options -> new AnalogInput(options.encoding(), options.seed()));
        passes.put("readout", options -> new AddReadout(options.readout(), options.readoutWindow(), options.seed()));
        passes.put("initial-membrane", options -> new InitialMembrane(options.initialMembrane()));
        passes.put("calibrate-bias", options -> new CalibrateBias(Math.max(1, options.biasCalibrationSteps())));
        return passes;
    }

    /** The pass names, in standard order. */
    public static List<String> names() {
        return List.copyOf(CATALOGUE.keySet());
    }

    /** The standard pipeline: ANN in, fully converted spiking network out. */
    public static List<Pass> standard(ConversionOptions options) {
        return CATALOGUE.entrySet().stream()
                .filter(pass -> OPTIONAL.getOrDefault(pass.getKey(), always -> true).test(options))
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
