package org.snnc.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** ExtremeValues gives the percentile of the whole stream, sorted, bit for bit, however the stream is split. */
class ExtremeValuesProperties {

    @Property(tries = 300)
    void upperPercentileEqualsSortingEverything(@ForAll @Size(min = 1, max = 3000) List<@DoubleRange(min = -5,
            max = 5) Double> stream, @ForAll @DoubleRange(min = 0.01, max = 100) double percentile,
            @ForAll @IntRange(min = 1, max = 4) int parts, @ForAll @IntRange(min = 0, max = 8) int rounding) {
        double[] values = stream.stream().mapToDouble(v -> Math.round(v * (1 << rounding)) / (double) (1 << rounding))
                .toArray();
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double expected = Normalize.percentile(sorted, percentile);
        assertEquals(expected, split(values, parts, true, percentile).percentile(percentile));
        assertEquals(expected, split(values, parts, false, percentile).percentile(percentile));
    }

    @Property(tries = 100)
    void aShorterStreamThanTheMaximumStillGivesItsPercentile(@ForAll @IntRange(min = 1, max = 5000) int n,
            @ForAll @DoubleRange(min = 90, max = 100) double percentile) {
        ExtremeValues top = ExtremeValues.forUpperPercentile(5000, percentile);
        double[] sorted = new double[n];
        for (int k = 0; k < n; k++) {
            sorted[k] = Math.sin(k * 0.37) * 3;
            top.add(sorted[k]);
        }
        Arrays.sort(sorted);
        assertEquals(Normalize.percentile(sorted, percentile), top.percentile(percentile));
    }

    private static ExtremeValues split(double[] values, int parts, boolean upper, double percentile) {
        ExtremeValues[] workers = new ExtremeValues[parts];
        Arrays.setAll(workers, p -> upper ? ExtremeValues.forUpperPercentile(values.length, percentile)
                : ExtremeValues.forLowerPercentile(values.length, percentile));
        for (int k = 0; k < values.length; k++) {
            workers[k * 7 % parts].add(values[k]);
        }
        for (int p = 1; p < parts; p++) {
            workers[0].merge(workers[p]);
        }
        return workers[0];
    }
}
