package org.snnc.cli;

import org.snnc.compiler.ir.DType;
import org.snnc.compiler.ir.InputEncoding;
import org.snnc.compiler.ir.ReadoutMode;
import org.snnc.compiler.ir.ReadoutWindow;
import org.snnc.compiler.ir.ResetMode;
import org.snnc.compiler.ir.Scale;
import org.snnc.compiler.ir.Spelled;
import org.snnc.compiler.nir.NirConventions;
import org.snnc.compiler.passes.NormalizeOptions.OutputScale;
import org.snnc.compiler.sim.Schedule;
import picocli.CommandLine;

/** Command-line converters for the network language's input types and the conversion choices. */
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

    /** Reads a word from a closed set, as the network language spells it; the error lists every choice. */
    abstract static class WordConverter<T extends Enum<T> & Spelled> implements CommandLine.ITypeConverter<T> {
        private final Class<T> type;

        WordConverter(Class<T> type) {
            this.type = type;
        }

        @Override
        public T convert(String text) {
            return Spelled.lookup(type, text).orElseThrow(() -> new CommandLine.TypeConversionException(
                    "'" + text + "' is not one of " + Spelled.choices(type)));
        }
    }

    static final class ResetConverter extends WordConverter<ResetMode> {
        ResetConverter() {
            super(ResetMode.class);
        }
    }

    static final class EncodingConverter extends WordConverter<InputEncoding> {
        EncodingConverter() {
            super(InputEncoding.class);
        }
    }

    /** A NIR flavor by its command-line name; the error lists every flavor. */
    static final class NirFlavorConverter implements CommandLine.ITypeConverter<NirConventions.Flavor> {
        @Override
        public NirConventions.Flavor convert(String text) {
            try {
                return NirConventions.Flavor.named(text);
            } catch (IllegalArgumentException unknown) {
                throw new CommandLine.TypeConversionException(unknown.getMessage());
            }
        }
    }

    static final class ReadoutConverter extends WordConverter<ReadoutMode> {
        ReadoutConverter() {
            super(ReadoutMode.class);
        }
    }

    static final class ReadoutWindowConverter extends WordConverter<ReadoutWindow> {
        ReadoutWindowConverter() {
            super(ReadoutWindow.class);
        }
    }

    static final class OutputScaleConverter extends WordConverter<OutputScale> {
        OutputScaleConverter() {
            super(OutputScale.class);
        }
    }

    static final class ScheduleConverter extends WordConverter<Schedule> {
        ScheduleConverter() {
            super(Schedule.class);
        }
    }
}
