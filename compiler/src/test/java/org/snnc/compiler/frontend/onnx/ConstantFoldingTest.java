package org.snnc.compiler.frontend.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shape arithmetic evaluated on constants, case by case from the ONNX operator specification. */
class ConstantFoldingTest {

    private static final OnnxConstant SIX = new OnnxConstant(List.of(2L, 3L), new double[] {0, 1, 2, 3, 4, 5});

    /**
     * torch's F.pad chain for pads (1, 2, 0, 1) of a 4-D input: Concat with ConstantOfShape([4]) zeros, Reshape to
     * pairs, reverse them, Transpose, Reshape to a vector, Cast: ONNX pads [0, 0, 0, 1, 0, 0, 1, 2].
     */
    @Test
    void pytorchsPadChainGivesOnnxPads() throws ConstantFolding.FoldException {
        assertArrayEquals(new double[4], ConstantFolding.constantOfShape(new long[] {4}, 0).values());
        OnnxConstant all = OnnxConstant.vector(1, 2, 0, 1, 0, 0, 0, 0);
        OnnxConstant pairs = ConstantFolding.reshape(all, new long[] {-1, 2}, false);
        OnnxConstant reversed = ConstantFolding.slice(pairs, new long[] {-1}, new long[] {-Long.MAX_VALUE},
                new long[] {0}, new long[] {-1});
        OnnxConstant columns = ConstantFolding.transpose(reversed, new long[] {1, 0});
        OnnxConstant pads = ConstantFolding.cast(ConstantFolding.reshape(columns, new long[] {-1}, false),
                DataType.INT64_VALUE);
        assertArrayEquals(new double[] {0, 0, 0, 1, 0, 0, 1, 2}, pads.values());
    }

    @Test
    void reshapeCopiesZerosAndInfersMinusOne() throws ConstantFolding.FoldException {
        assertArrayEquals(new long[] {2, 3}, ConstantFolding.resolveReshape(new long[] {2, 3}, new long[] {0, -1},
                false));
        assertArrayEquals(new long[] {0, 6}, ConstantFolding.resolveReshape(new long[] {0, 6}, new long[] {0, 6},
                true));
        assertThrows(ConstantFolding.FoldException.class,
                () -> ConstantFolding.resolveReshape(new long[] {2, 3}, new long[] {4, -1}, false));
    }

    @Test
    void transposeWithoutPermReversesTheAxes() throws ConstantFolding.FoldException {
        OnnxConstant t = ConstantFolding.transpose(SIX, null);
        assertEquals(List.of(3L, 2L), t.dims());
        assertArrayEquals(new double[] {0, 3, 1, 4, 2, 5}, t.values());
    }

    @Test
    void sliceClampsAndSteps() throws ConstantFolding.FoldException {
        OnnxConstant s = ConstantFolding.slice(SIX, new long[] {0, 10}, new long[] {2, -10}, new long[] {0, 1},
                new long[] {1, -2});
        assertEquals(List.of(2L, 2L), s.dims(), "columns 2 and 0 of each row");
        assertArrayEquals(new double[] {2, 0, 5, 3}, s.values());
    }

    @Test
    void castToFloatRoundsToFloat32AndToIntegersTruncates() throws ConstantFolding.FoldException {
        OnnxConstant v = OnnxConstant.vector(0.1, -2.7);
        assertArrayEquals(new double[] {(float) 0.1, (float) -2.7}, ConstantFolding.cast(v, DataType.FLOAT_VALUE)
                .values());
        assertArrayEquals(new double[] {0, -2}, ConstantFolding.cast(v, DataType.INT64_VALUE).values());
        assertThrows(ConstantFolding.FoldException.class, () -> ConstantFolding.cast(v, DataType.STRING_VALUE));
    }
}
