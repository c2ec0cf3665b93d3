package org.snnc.cli;

import org.snnc.compiler.ir.DType;
import org.snnc.compiler.ir.Scale;
import picocli.CommandLine;

/** Command-line converters for the network language's input types. */
final class Converters {

    private Converters() {
    }

    static final class DTypeConverter implements CommandLine.ITypeConverter<DType> {
        @Override
        public DType convert(String text) {
            return DType.fromSpelling(text).orElseThrow(() -> new CommandLine.TypeConversionException(
                    "'" + text + "' is not an element type; expected u8, i8, i32, i64, f32 or f64"));
        }
    }

    /** Reads {@code 0.5} or {@code 1/255}. */
    static final class ScaleConverter implements CommandLine.ITypeConverter<Scale> {
        @Override
        public Scale convert(String text) {
            String[] parts = text.split("/", -1);
            try {
                double numerator = Double.parseDouble(parts[0]);
                double denominator = parts.length == 2 ? Double.parseDouble(parts[1]) : 1;
                if (parts.length <= 2 && numerator > 0 && denominator > 0
                        && Double.isFinite(numerator) && Double.isFinite(denominator)) {
                    return new Scale(numerator, denominator);
                }
            } catch (NumberFormatException notANumber) {
                // reported below
            }
            throw new CommandLine.TypeConversionException(
                    "'" + text + "' is not a positive scale; write a number such as 0.5 or a ratio such as 1/255");
        }
    }
}
