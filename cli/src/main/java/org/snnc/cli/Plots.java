package org.snnc.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.snnc.compiler.io.AtomicFiles;
import org.snnc.compiler.io.OutputBatch;

/**
 * The two figures of a simulation, as PNG: accuracy against the step t (both readouts, with the ANN as a line), and
 * error against synaptic operations per image (log scale), the paper's accuracy/cost trade-off.
 */
final class Plots {

    static final String ACCURACY_FILE = "accuracy_vs_t.png";
    static final String ERROR_FILE = "error_vs_ops.png";

    private Plots() {
    }

    static void write(SimulationReport report, Path directory) throws IOException {
        // Charts are drawn off screen; without this a machine with no display could try to open one.
        System.setProperty("java.awt.headless", "true");
        OutputBatch.createFolders(directory);
        double[] steps = IntStream.rangeClosed(1, report.steps()).asDoubleStream().toArray();
        XYChart accuracy = chart(report.model() + ": accuracy over time", "step t", "accuracy (%)");
        series(accuracy, "SNN, " + report.readout() + " readout", steps, percent(report.accuracy()));
        if (report.accuracySpikecount() != null) {
            series(accuracy, "SNN, spike-count readout", steps, percent(report.accuracySpikecount()));
        }
        if (report.annAccuracy() != null) {
            series(accuracy, "ANN", steps, percent(constant(report.annAccuracy(), steps.length)));
        }
        save(accuracy, directory.resolve(ACCURACY_FILE));

        XYChart error = chart(report.model() + ": error against cost", "synaptic operations per image",
                "error (%)");
        error.getStyler().setXAxisLogarithmic(true);
        double[] errors = percent(report.accuracy());
        for (int t = 0; t < errors.length; t++) {
            errors[t] = 100 - errors[t];
        }
        series(error, "SNN, " + report.readout() + " readout", report.synapticOpsPerImage(), errors);
        if (report.annAccuracy() != null) {
            series(error, "ANN at its MACs", new double[] {report.annMacsPerImage()},
                    new double[] {100 * (1 - report.annAccuracy())}).setMarker(SeriesMarkers.DIAMOND);
        }
        save(error, directory.resolve(ERROR_FILE));
    }

    private static XYChart chart(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        chart.getStyler().setMarkerSize(10);
        return chart;
    }

    /** A line without markers; the ANN's single point sets its own marker. */
    private static XYSeries series(XYChart chart, String name, double[] x, double[] y) {
        XYSeries series = chart.addSeries(name, x, y);
        series.setMarker(SeriesMarkers.NONE);
        return series;
    }

    private static double[] percent(double[] fractions) {
        return java.util.Arrays.stream(fractions).map(f -> 100 * f).toArray();
    }

    private static double[] constant(double value, int length) {
        double[] values = new double[length];
        java.util.Arrays.fill(values, value);
        return values;
    }

    private static void save(XYChart chart, Path file) throws IOException {
        AtomicFiles.write(file, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
    }
}
