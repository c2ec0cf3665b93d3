package org.snnc.compiler.frontend.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.Diagnostic;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;

/** Sizes an ONNX file declares are checked against what it holds before anything is allocated for them. */
class OnnxHostileTest {

    private static Diagnostic onlyError(OnnxModelBuilder model) {
        CompilationException e = assertThrows(CompilationException.class, () -> OnnxImporter.importModel(
                model.build(), "test", SourceSpan.ofFile("test.onnx"), OnnxImportOptions.DEFAULT));
        assertEquals(1, e.diagnostics().size(), e::getMessage);
        return e.diagnostics().get(0);
    }

    /** A Gemm over x[1,4] whose weight is {@code weight}. */
    private static OnnxModelBuilder gemmReading(TensorProto weight) {
        OnnxModelBuilder model = OnnxModelBuilder.model().input("x", 1, 4).output("y", 1, 2);
        model.node("Gemm", "fc", List.of("x", weight.getName()), "y").done();
        return model.initializer(weight);
    }

    /** 2·10⁹ floats claimed over 4 bytes would be a 16 GB double[]; the 4 bytes are compared first. */
    @Test
    void initializerDimsBeyondItsRawDataAreRefusedBeforeAllocating() {
        TensorProto weight = TensorProto.newBuilder().setName("W").addDims(1_000_000).addDims(2000)
                .setDataType(TensorProto.DataType.FLOAT_VALUE).setRawData(ByteString.copyFrom(new byte[4])).build();
        Diagnostic d = onlyError(gemmReading(weight));
        assertEquals(DiagnosticCode.ONNX_UNSUPPORTED_GRAPH, d.code());
        assertTrue(d.message().contains("initializer 'W': raw_data holds 4 bytes, but 2000000000 values of FLOAT "
                + "need 8000000000"), d.message());
    }

    @Test
    void initializerDimsBeyondItsTypedDataAreRefusedBeforeAllocating() {
        TensorProto weight = TensorProto.newBuilder().setName("W").addDims(2_000_000_000)
                .setDataType(TensorProto.DataType.INT64_VALUE).addInt64Data(1).build();
        Diagnostic d = onlyError(gemmReading(weight));
        assertTrue(d.message().contains("int64_data holds 1 values, but its shape needs 2000000000"), d.message());
    }

    @Test
    void anInputOfMoreThan2To31ElementsIsRefusedWhereItIsDeclared() {
        OnnxModelBuilder model = OnnxModelBuilder.model().input("x", 1, 1, 100000, 100000).output("y", 1, 1, 100000,
                100000);
        model.node("Relu", "r", List.of("x"), "y").done();
        Diagnostic d = onlyError(model);
        assertEquals(DiagnosticCode.ONNX_UNSUPPORTED_GRAPH, d.code());
        assertEquals("test.onnx", d.span().file());
        assertTrue(d.message().contains("input 'x' has shape [1,1,100000,100000], 10000000000 elements per sample"),
                d.message());
    }
}
