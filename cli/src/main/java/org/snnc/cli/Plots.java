package org.snnc.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
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
    static final String FRONTIER_FILE = "early_exit_frontier.png";

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
        if (report.earlyExitFrontier() != null) {
            save(frontier(report), directory.resolve(FRONTIER_FILE));
        }
    }

    /** Accuracy against operations per image of each early exit, one line per streak k through the bounds B. */
    private static XYChart frontier(SimulationReport report) {
        XYChart chart = chart(report.model() + ": early-exit frontier", "synaptic operations per image",
                "accuracy (%)");
        chart.getStyler().setXAxisLogarithmic(true);
        Map<Integer, List<SimulationReport.ExitPoint>> byStreak = report.earlyExitFrontier().stream()
                .collect(Collectors.groupingBy(SimulationReport.ExitPoint::exitSteps, TreeMap::new,
                        Collectors.toList()));
        byStreak.forEach((streak, points) -> chart.addSeries("k = " + streak + ", B = " + points.stream()
                        .map(point -> bound(point.exitMargin())).collect(Collectors.joining(", ")) + " θ",
                points.stream().mapToDouble(SimulationReport.ExitPoint::synapticOpsPerImage).toArray(),
                points.stream().mapToDouble(point -> 100 * point.accuracy()).toArray()));
        if (report.annAccuracy() != null) {
            series(chart, "ANN at its 2·MACs", new double[] {report.annOpsPerImage()},
                    new double[] {100 * report.annAccuracy()}).setMarker(SeriesMarkers.DIAMOND);
        }
        return chart;
    }

    /** A bound B as written on the command line: 0.5, 1, 2. */
    static String bound(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
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
