package org.snnc.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.io.InputFiles;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.sim.AnnMacs;
import org.snnc.emulator.Chip;
import org.snnc.emulator.config.Configuration;
import org.snnc.targets.spec.ChipSpec;
import org.snnc.targets.spec.ChipSpecs;

/**
 * What the report of an emulation needs besides the figures a {@link org.snnc.emulator.RunSummary} measured: the
 * names it shows, the configuration's readout, threshold, early exit, target and cores, and the ANN's MACs. It is
 * also the run's fingerprint: shards of one run have equal contexts, so two partial runs whose contexts differ (another
 * configuration, data set, image count or T) are not merged. Serializable and JSON, like the summary.
 *
 * @param model               the folder of the configuration, as the user named it
 * @param data                the data set, as the user named it
 * @param configurationSha256 SHA-256 of the bytes of {@code config.json}, in lower-case hex
 * @param images              the images the whole run covers, 0 … images − 1 of the data set (after {@code --limit})
 * @param steps               T
 * @param readout             the readout mode, lower case: membrane or spikecount
 * @param readoutThreshold    θ of the readout population, in membrane LSBs: a bound of B thresholds is ⌈B·θ⌉ LSBs
 * @param earlyExit           the early exit the run applied, or null
 * @param annMacsPerLayer     the ANN's multiply-accumulates per weighted layer, in network order
 * @param target              the chip's name
 * @param coreIds             the configuration's cores, in the emulator's order
 * @param energy              energy per operation from the chip spec, or null
 */
public record RunContext(String model, String data, String configurationSha256, int images, int steps,
        String readout, long readoutThreshold, ExitRule earlyExit, Map<String, Long> annMacsPerLayer, String target,
        List<Integer> coreIds, Energy energy) implements Serializable {

    private static final long serialVersionUID = 1L;

    public RunContext {
        if (model == null || data == null || configurationSha256 == null || readout == null
                || annMacsPerLayer == null || target == null || coreIds == null) {
            throw new IllegalArgumentException("a run context is missing a field");
        }
        if (images < 1 || steps < 1 || readoutThreshold < 1) {
            throw new IllegalArgumentException("a run has at least one image and one step and a threshold ≥ 1");
        }
        annMacsPerLayer = Collections.unmodifiableMap(new LinkedHashMap<>(annMacsPerLayer));
        coreIds = List.copyOf(coreIds);
    }

    /**
     * An early exit: an image stops once its readout margin has been at least {@code marginLsbs} for {@code steps}
     * consecutive steps.
     */
    public record ExitRule(long marginLsbs, int steps) implements Serializable {
        private static final long serialVersionUID = 1L;

        Configuration.EarlyExit toConfiguration() {
            return new Configuration.EarlyExit(marginLsbs, steps);
        }
    }

    /** Picojoules per synaptic operation and per neuron update. */
    public record Energy(double synapticOpPj, double neuronUpdatePj) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /**
     * The context of a run of the configuration {@code directory/config.json}, loaded as {@code chip}, whose
     * quantized network is {@code quantized}, over the first {@code images} images of {@code data} for
     * {@code steps} steps with {@code earlyExit}.
     */
    public static RunContext of(String model, String data, Path directory, Chip chip, Graph quantized, int images,
            int steps, Optional<Configuration.EarlyExit> earlyExit) throws IOException {
        Path configuration = directory.resolve(CompileCommand.CONFIGURATION_FILE);
        byte[] bytes = InputFiles.readAllBytes(configuration, SourceSpan.ofFile(configuration.toString()));
        ChipSpec target = ChipSpecs.parse(new ObjectMapper().readTree(bytes).get("chip").toString(),
                configuration.toString());
        return new RunContext(model, data, sha256(bytes), images, steps,
                chip.configuration().readout().mode().name().toLowerCase(Locale.ROOT), chip.readoutThreshold(),
                earlyExit.map(exit -> new ExitRule(exit.margin(), exit.steps())).orElse(null),
                AnnMacs.perLayer(quantized), target.name(), Arrays.stream(chip.coreIds()).boxed().toList(),
                target.energy().map(e -> new Energy(e.synapticOpPj(), e.neuronUpdatePj())).orElse(null));
    }

    /** Whether the run reads the membrane readout, whose margins give an early-exit frontier. */
    public boolean membrane() {
        return readout.equals("membrane");
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
