package org.snnc.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.Diagnostic;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.frontend.text.SnnPrinter;
import org.snnc.compiler.ir.Graph;
import org.snnc.compiler.ir.ResetMode;
import org.snnc.compiler.ir.Verifier;

class ToSpikingTest {

    private static final String LENET = """
            network lenet
            input image: u8[1,12,12] scale 1/255
            conv1 = conv2d(image, filters=2, kernel=3, weight="conv1.weight", bias="conv1.bias")
            relu1 = relu(conv1)
            pool1 = avgpool(relu1, kernel=2)
            conv2 = conv2d(pool1, filters=3, kernel=3, weight="conv2.weight", bias="conv2.bias")
            relu2 = relu(conv2)
            pool2 = maxpool(relu2, kernel=2)
            flat = flatten(pool2)
            fc1 = dense(flat, units=5, weight="fc1.weight", bias="fc1.bias")
            relu3 = relu(fc1)
            fc2 = dense(relu3, units=3, weight="fc2.weight", bias="fc2.bias")
            output probs = softmax(fc2)
            """;

    private static Graph convert(String text, ResetMode reset, PassContext context) {
        Graph ann = Networks.withRandomWeights(Networks.parse(text), 1);
        Graph spiking = new ToSpiking(reset).run(ann, context);
        Verifier.Report report = Verifier.check(spiking);
        assertTrue(report.diagnostics().isEmpty(), report.diagnostics().toString());
        return spiking;
    }

    @Test
    void reluAvgpoolOfSpikesAndSoftmaxBecomePopulations() {
        PassContext context = new PassContext(CompilationInputs.none());
        Graph spiking = convert(LENET, ResetMode.SUBTRACT, context);
        assertEquals("""
                network lenet

                input image: u8[1,12,12] scale 1/255
                conv1 = conv2d(image, filters=2, kernel=3, weight="conv1.weight", bias="conv1.bias")
                relu1 = if(conv1)
                pool1.synapses = avgpool(relu1, kernel=2)
                pool1 = if(pool1.synapses)
                conv2 = conv2d(pool1, filters=3, kernel=3, weight="conv2.weight", bias="conv2.bias")
                relu2 = if(conv2)
                pool2 = maxpool(relu2, kernel=2)
                flat = flatten(pool2)
                fc1 = dense(flat, units=5, weight="fc1.weight", bias="fc1.bias")
                relu3 = if(fc1)
                fc2 = dense(relu3, units=3, weight="fc2.weight", bias="fc2.bias")
                output probs = if(fc2)
                """, SnnPrinter.print(spiking));
        assertEquals(5L, context.statistics().get("populations"));
        assertEquals(1L, context.statistics().get("avgpools-to-if"));
        assertTrue(Stage.of(spiking).contains(Stage.SPIKING));
    }

    @Test
    void resetToZeroIsPrintedOnEveryPopulation() {
        String printed = SnnPrinter.print(convert(LENET, ResetMode.ZERO, new PassContext(CompilationInputs.none())));
        assertTrue(printed.contains("relu1 = if(conv1, reset=zero)\n"), printed);
        assertTrue(printed.contains("pool1 = if(pool1.synapses, reset=zero)\n"), printed);
        assertTrue(printed.contains("output probs = if(fc2, reset=zero)\n"), printed);
    }

    @Test
    void withoutSoftmaxANewPopulationBecomesTheOutput() {
        Graph spiking = convert("""
                network logits
                input x: f32[4]
                fc = dense(x, units=3, weight="fc.weight")
                hidden = relu(fc)
                output out = dense(hidden, units=2, weight="out.weight")
                """, ResetMode.SUBTRACT, new PassContext(CompilationInputs.none()));
        assertEquals("out.neurons", spiking.output());
        assertTrue(SnnPrinter.print(spiking).endsWith("""
                hidden = if(fc)
                out = dense(hidden, units=2, weight="out.weight")
                output out.neurons = if(out)
                """), SnnPrinter.print(spiking));
    }

    @Test
    void anAvgpoolInsideASynapseExpressionStaysLinear() {
        Graph spiking = convert("""
                network chain
                input x: f32[1,6,6]
                conv = conv2d(x, filters=2, kernel=3, weight="conv.weight")
                pooled = avgpool(conv, kernel=2)
                r = relu(pooled)
                flat = flatten(r)
                output fc = dense(flat, units=2, weight="fc.weight")
                """, ResetMode.SUBTRACT, new PassContext(CompilationInputs.none()));
        String printed = SnnPrinter.print(spiking);
        assertTrue(printed.contains("""
                pooled = avgpool(conv, kernel=2)
                r = if(pooled)
                """), printed);
        assertFalse(printed.contains("synapses"), printed);
    }

    @Test
    void anAvgpoolOfTheInputIsAPopulation() {
        Graph spiking = convert("""
                network inputPool
                input x: f32[1,4,4]
                p = avgpool(x, kernel=2)
                flat = flatten(p)
                output fc = dense(flat, units=2, weight="fc.weight")
                """, ResetMode.SUBTRACT, new PassContext(CompilationInputs.none()));
        assertTrue(SnnPrinter.print(spiking).contains("""
                p.synapses = avgpool(x, kernel=2)
                p = if(p.synapses)
                """), SnnPrinter.print(spiking));
    }

    @Test
    void aPipelineNormalizesBeforeConvertingAndRefusesTheOtherOrder() {
        Graph ann = Networks.withRandomWeights(Networks.parse(LENET), 1);
        CompilationInputs inputs = new CompilationInputs(Optional.of(Networks.images(20, 144, 2)), 1, Progress.NONE);
        PipelineResult result = new PassManager(List.of(new Normalize(NormalizeOptions.DEFAULTS),
                new ToSpiking(ResetMode.SUBTRACT)), IrDumps.NONE).run(ann, inputs);
        assertTrue(Stage.of(result.graph()).containsAll(List.of(Stage.NORMALIZED, Stage.SPIKING)));

        PassManager reversed = new PassManager(List.of(new ToSpiking(ResetMode.SUBTRACT),
                new Normalize(NormalizeOptions.DEFAULTS)), IrDumps.NONE);
        CompilationException thrown = assertThrows(CompilationException.class, () -> reversed.run(ann, inputs));
        assertEquals(DiagnosticCode.PIPELINE_ORDER, thrown.diagnostics().get(0).code());
        assertTrue(thrown.diagnostics().get(0).message().contains("needs a normalized graph"),
                thrown.diagnostics().get(0).message());
    }

    @Test
    void aMaxpoolOfCurrentsCannotBeConverted() {
        Graph ann = Networks.withRandomWeights(Networks.parse("""
                network currents
                input x: f32[1,6,6]
                conv = conv2d(x, filters=2, kernel=3, weight="conv.weight")
                pooled = maxpool(conv, kernel=2)
                flat = flatten(pooled)
                output fc = dense(flat, units=2, weight="fc.weight")
                """), 1);
        CompilationException thrown = assertThrows(CompilationException.class,
                () -> new ToSpiking(ResetMode.SUBTRACT).run(ann, new PassContext(CompilationInputs.none())));
        Diagnostic error = thrown.diagnostics().get(0);
        assertEquals(DiagnosticCode.NOT_CONVERTIBLE, error.code());
        assertEquals(new SourceSpan("test.snn", 4, 1), error.span());
        assertTrue(error.message().startsWith("maxpool 'pooled' cannot be converted: it pools 'conv'"),
                error.message());
    }
}
