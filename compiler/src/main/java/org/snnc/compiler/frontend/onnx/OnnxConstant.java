package org.snnc.compiler.frontend.onnx;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Tensor;

/**
 * A constant ONNX tensor (an initializer, a {@code Constant} node's value, or a folded shape computation): its
 * dimensions as ONNX gives them, with the batch axis if it has one, and its values in C order as float64.
 *
 * <p>Decoding follows {@code onnx.proto}'s {@code TensorProto}: the values are either in {@code raw_data}, packed
 * little-endian at the element type's width, or in the typed field ({@code float_data} for FLOAT, {@code double_data}
 * for DOUBLE, {@code int64_data} for INT64, and {@code int32_data} for INT32, INT8, UINT8 and BOOL). Every supported
 * type converts to float64 exactly, except INT64 values beyond ±2⁵³, which only shapes use and never reach.
 */
record OnnxConstant(List<Long> dims, double[] values) {

    /** Why a tensor cannot be decoded; the importer turns the message into a diagnostic. */
    static final class DecodeException extends Exception {
        DecodeException(String message) {
            super(message);
        }
    }

    OnnxConstant {
        dims = List.copyOf(dims);
    }

    static OnnxConstant vector(double... values) {
        return new OnnxConstant(List.of((long) values.length), values.clone());
    }

    int rank() {
        return dims.size();
    }

    int size() {
        return values.length;
    }

    /** The dimensions as written in messages: {@code [1,784]}. */
    String dimsText() {
        return dims.stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]"));
    }

    /** The values as integers, for shape and axis constants. */
    long[] longs() {
        long[] longs = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            longs[i] = (long) values[i];
        }
        return longs;
    }

    /** An IR tensor of the same dimensions; a scalar becomes a one-element vector. */
    Tensor toTensor() throws DecodeException {
        if (dims.isEmpty()) {
            return Tensor.of(Shape.of(1), values);
        }
        int[] shape = new int[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            long d = dims.get(i);
            if (d <= 0 || d > Integer.MAX_VALUE) {
                throw new DecodeException("dimension " + d + " of shape " + dimsText() + " is not positive");
            }
            shape[i] = (int) d;
        }
        return Tensor.of(Shape.of(shape), values);
    }

    /** Decodes an ONNX tensor, or says why it cannot. */
    static OnnxConstant decode(TensorProto tensor) throws DecodeException {
        if (tensor.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw new DecodeException("its data is stored in an external file, which snnc does not read");
        }
        long count = 1;
        List<Long> dims = new ArrayList<>(tensor.getDimsList());
        for (long d : dims) {
            if (d < 0) {
                throw new DecodeException("it has a negative dimension " + d);
            }
            count *= d;
            if (count > Integer.MAX_VALUE) {
                throw new DecodeException("it has more than 2^31-1 elements");
            }
        }
        int n = (int) count;
        // The dims are only a claim: the values must be there before n of them are allocated.
        requireStoredValues(tensor, n);
        return new OnnxConstant(dims, values(tensor, n));
    }

    /**
     * Checks that {@code tensor} stores exactly {@code n} values, in {@code raw_data} or in its typed field, so that
     * dims claiming 2·10⁹ elements over 4 bytes of data are refused before anything is allocated for them.
     */
    private static void requireStoredValues(TensorProto tensor, int n) throws DecodeException {
        int type = tensor.getDataType();
        if (tensor.hasRawData()) {
            int width = switch (type) {
                case DataType.FLOAT_VALUE, DataType.INT32_VALUE -> Float.BYTES;
                case DataType.DOUBLE_VALUE, DataType.INT64_VALUE -> Double.BYTES;
                case DataType.INT8_VALUE, DataType.UINT8_VALUE, DataType.BOOL_VALUE -> 1;
                default -> throw unsupportedType(type);
            };
            int size = tensor.getRawData().size();
            if ((long) n * width != size) {
                throw new DecodeException("raw_data holds " + size + " bytes, but " + n + " values of "
                        + typeName(type) + " need " + (long) n * width);
            }
            return;
        }
        switch (type) {
            case DataType.FLOAT_VALUE -> expectCount(tensor.getFloatDataCount(), n, "float_data");
            case DataType.DOUBLE_VALUE -> expectCount(tensor.getDoubleDataCount(), n, "double_data");
            case DataType.INT64_VALUE -> expectCount(tensor.getInt64DataCount(), n, "int64_data");
            case DataType.INT32_VALUE, DataType.INT8_VALUE, DataType.UINT8_VALUE, DataType.BOOL_VALUE ->
                    expectCount(tensor.getInt32DataCount(), n, "int32_data");
            default -> throw unsupportedType(type);
        }
    }

    private static DecodeException unsupportedType(int type) {
        return new DecodeException("its data type " + typeName(type)
                + " is not supported; snnc reads FLOAT, DOUBLE, INT64, INT32, INT8, UINT8 and BOOL");
    }

    /** The {@code n} values of a tensor that {@link #requireStoredValues} has checked, as float64. */
    private static double[] values(TensorProto tensor, int n) {
        int type = tensor.getDataType();
        boolean raw = tensor.hasRawData();
        double[] out = new double[n];
        switch (type) {
            case DataType.FLOAT_VALUE -> {
                if (raw) {
                    ByteBuffer bytes = rawBytes(tensor);
                    for (int i = 0; i < n; i++) {
                        out[i] = bytes.getFloat();
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        out[i] = tensor.getFloatData(i);
                    }
                }
            }
            case DataType.DOUBLE_VALUE -> {
                if (raw) {
                    ByteBuffer bytes = rawBytes(tensor);
                    for (int i = 0; i < n; i++) {
                        out[i] = bytes.getDouble();
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        out[i] = tensor.getDoubleData(i);
                    }
                }
            }
            case DataType.INT64_VALUE -> {
                if (raw) {
                    ByteBuffer bytes = rawBytes(tensor);
                    for (int i = 0; i < n; i++) {
                        out[i] = bytes.getLong();
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        out[i] = tensor.getInt64Data(i);
                    }
                }
            }
            case DataType.INT32_VALUE, DataType.INT8_VALUE, DataType.UINT8_VALUE, DataType.BOOL_VALUE -> {
                if (raw) {
                    ByteBuffer bytes = rawBytes(tensor);
                    for (int i = 0; i < n; i++) {
                        out[i] = switch (type) {
                            case DataType.INT32_VALUE -> bytes.getInt();
                            case DataType.INT8_VALUE -> bytes.get();
                            default -> Byte.toUnsignedInt(bytes.get());
                        };
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        out[i] = tensor.getInt32Data(i);
                    }
                }
            }
            default -> throw new IllegalStateException("requireStoredValues admits no type " + typeName(type));
        }
        return out;
    }

    private static ByteBuffer rawBytes(TensorProto tensor) {
        return tensor.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void expectCount(int actual, int expected, String field) throws DecodeException {
        if (actual != expected) {
            throw new DecodeException(field + " holds " + actual + " values, but its shape needs " + expected);
        }
    }

    static String typeName(int type) {
        DataType known = DataType.forNumber(type);
        return known == null ? "#" + type : known.name();
    }
}
