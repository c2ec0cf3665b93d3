package org.snnc.compiler.frontend.onnx;

import java.util.Objects;
import org.snnc.compiler.ir.DType;
import org.snnc.compiler.ir.Scale;

/**
 * What an ONNX model does not say about its input: the element type of the raw data and the factor that turns raw
 * data into the values the model was trained on. A PyTorch MNIST model takes pixels/255, so its raw input is
 * {@code u8} with scale {@code 1/255}; the default is raw {@code f32} values taken as they are.
 *
 * @param inputDType the element type of the network input's raw data
 * @param inputScale x = raw · scale, the value the first layer receives
 */
public record OnnxImportOptions(DType inputDType, Scale inputScale) {

    /** Raw {@code f32} input with scale 1. */
    public static final OnnxImportOptions DEFAULT = new OnnxImportOptions(DType.F32, Scale.ONE);

    public OnnxImportOptions {
        Objects.requireNonNull(inputDType, "inputDType");
        Objects.requireNonNull(inputScale, "inputScale");
    }
}
