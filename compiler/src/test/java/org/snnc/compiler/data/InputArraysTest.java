package org.snnc.compiler.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.io.npy.NpyArray;
import org.snnc.compiler.io.npy.NpyElementType;
import org.snnc.compiler.ir.DType;
import org.snnc.compiler.ir.Input;
import org.snnc.compiler.ir.InputEncoding;
import org.snnc.compiler.ir.Scale;
import org.snnc.compiler.ir.Shape;

/** Data laid out as images, or as sequences of frames for a sequence input. */
class InputArraysTest {

    private static final Input INPUT = new Input("x", DType.F32, Shape.of(2, 1, 2), Scale.ONE, SourceSpan.GENERATED);

    private static NpyArray array(int... shape) {
        double[] values = new double[Shape.of(shape).size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = i;
        }
        return new NpyArray(NpyElementType.F4, shape, values);
    }

    @Test
    void sequencesAreRowsOfTheirFramesOneAfterAnother() {
        double[][] rows = InputArrays.toInputs(array(2, 3, 2, 1, 2), INPUT, InputEncoding.SEQUENCE, "x", 10);
        assertEquals(2, rows.length);
        assertEquals(12, rows[0].length);
        assertEquals(12.0, rows[1][0]);
        double[][] one = InputArrays.toInputs(array(3, 2, 2), INPUT, InputEncoding.SEQUENCE, "x", 10);
        assertEquals(1, one.length);
        assertArrayEquals(array(3, 2, 2).values(), one[0]);
        assertEquals(1, InputArrays.toInputs(array(2, 3, 2, 1, 2), INPUT, InputEncoding.SEQUENCE, "x", 1).length);
    }

    @Test
    void framesOfAnotherShapeAreRefused() {
        CompilationException error = assertThrows(CompilationException.class,
                () -> InputArrays.toInputs(array(2, 3, 3, 2), INPUT, InputEncoding.SEQUENCE, "x", 10));
        assertEquals(DiagnosticCode.DATA_SHAPE_MISMATCH, error.diagnostics().get(0).code());
    }

    @Test
    void imagesStayImages() {
        double[][] rows = InputArrays.toInputs(array(5, 2, 2), INPUT, InputEncoding.ANALOG, "x", 10);
        assertEquals(5, rows.length);
        assertEquals(4, rows[0].length);
    }

    private static final Input PIXELS = new Input("x", DType.U8, Shape.of(2), Scale.ONE, SourceSpan.GENERATED);

    /** Pixels stored as any integer type load when every value is a u8; floats never pass for integers. */
    @Test
    void anIntegerInputTakesAnyIntegerStorageOfItsValues() {
        for (NpyElementType storage : new NpyElementType[] {NpyElementType.I8, NpyElementType.U2,
                NpyElementType.I2, NpyElementType.U4, NpyElementType.I4, NpyElementType.U8}) {
            double[][] rows = InputArrays.toInputs(new NpyArray(storage, new int[] {2, 2}, new double[] {0, 255, 7, 1}),
                    PIXELS, "x", 10);
            assertArrayEquals(new double[][] {{0, 255}, {7, 1}}, rows, storage.code());
        }
        CompilationException wide = assertThrows(CompilationException.class, () -> InputArrays.toInputs(
                new NpyArray(NpyElementType.I8, new int[] {1, 2}, new double[] {3, 256}), PIXELS, "x", 10));
        assertEquals(DiagnosticCode.DATA_DTYPE_MISMATCH, wide.diagnostics().get(0).code());
        assertTrue(wide.diagnostics().get(0).message().contains("its value 256 at flat index 1 is not one"),
                wide.diagnostics().get(0).message());
        CompilationException floats = assertThrows(CompilationException.class, () -> InputArrays.toInputs(
                new NpyArray(NpyElementType.F4, new int[] {1, 2}, new double[] {0, 1}), PIXELS, "x", 10));
        assertEquals(DiagnosticCode.DATA_DTYPE_MISMATCH, floats.diagnostics().get(0).code());
    }

    @Test
    void aFloatInputTakesAnyFloatStorage() {
        Input floats = new Input("x", DType.F32, Shape.of(2), Scale.ONE, SourceSpan.GENERATED);
        for (NpyElementType storage : new NpyElementType[] {NpyElementType.F2, NpyElementType.F4,
                NpyElementType.F8}) {
            assertArrayEquals(new double[][] {{0.5, -2}}, InputArrays.toInputs(new NpyArray(storage, new int[] {1, 2},
                    new double[] {0.5, -2}), floats, "x", 10), storage.code());
        }
        assertThrows(CompilationException.class, () -> InputArrays.toInputs(
                new NpyArray(NpyElementType.U1, new int[] {1, 2}, new double[] {0, 1}), floats, "x", 10));
    }
}
