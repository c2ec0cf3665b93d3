package org.snnc.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snnc.compiler.io.npy.NpyArray;
import org.snnc.compiler.io.npy.NpyElementType;
import org.snnc.compiler.io.npy.NpzWriter;

/**
 * The Spark job on the shared local[2] session equals the plain {@code snnc run} on LeNet, 20 digits × 100 steps,
 * in every figure but the wall time and what follows from it, through each data route: one npz cut into slices, a
 * folder of npz shards, and Parquet.
 */
class RunJobTest {

    /** The figures that depend on how the run was made, not on what it measured. */
    private static final List<String> HOW_RUN = List.of("wall_seconds", "images_steps_per_second",
            "synaptic_events_per_second", "threads", "data");

    private static LenetRun lenet;
    private static JsonNode expected;

    @TempDir
    Path temp;

    @BeforeAll
    static void plainRun() throws IOException {
        lenet = LenetRun.get();
        Path report = lenet.folder.resolve("plain.json");
        LenetRun.Run run = LenetRun.Run.snnc("run", lenet.configuration.toString(), "--data", lenet.digits.toString(),
                "--steps", Integer.toString(LenetRun.STEPS), "--report", report.toString());
        assertEquals(0, run.exitCode(), run.err());
        expected = new ObjectMapper().readTree(report.toFile());
        assertEquals(LenetRun.IMAGES, expected.get("images").asInt());
    }

    @Test
    void oneNpzCutIntoSlicesEqualsThePlainRun() throws IOException {
        assertSameFigures(job(lenet.digits.toString(), "3"));
    }

    @Test
    void aFolderOfNpzShardsEqualsThePlainRun() throws IOException {
        Path shards = Files.createDirectory(temp.resolve("shards"));
        // Names sort in the data's order; sizes differ, and the middle shard is cut in two by --partitions 5.
        lenet.write(shards.resolve("part-0.npz"), 0, 8);
        lenet.write(shards.resolve("part-1.npz"), 8, 13);
        lenet.write(shards.resolve("part-2.npz"), 13, LenetRun.IMAGES);
        assertSameFigures(job(shards.toString(), "5"));
    }

    @Test
    void parquetWithTheImagesAsBytesEqualsThePlainRun() throws IOException {
        Path table = temp.resolve("digits.parquet-table");
        SparkSession spark = SharedSpark.session();
        List<Row> rows = new ArrayList<>();
        int size = lenet.x.size() / LenetRun.IMAGES;
        for (int i = 0; i < LenetRun.IMAGES; i++) {
            byte[] image = new byte[size];
            for (int k = 0; k < size; k++) {
                image[k] = (byte) lenet.x.get(i * size + k);
            }
            rows.add(RowFactory.create(image, (int) lenet.y.get(i)));
        }
        StructType schema = new StructType().add("x", DataTypes.BinaryType).add("y", DataTypes.IntegerType);
        // Three files, in the rows' order by their names.
        spark.createDataFrame(JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, 3), schema)
                .write().parquet(table.toString());
        try (Stream<Path> files = Files.list(table)) {
            assertEquals(3, files.filter(file -> file.toString().endsWith(".parquet")).count());
        }
        assertSameFigures(job(table.toString(), "0"));
        assertSameFigures(job(table.toString(), "4"));
    }

    @Test
    void aLabelNoClassHasFailsTheJobWithTheTasksDiagnostic() {
        Path bad = temp.resolve("bad.npz");
        double[] labels = lenet.y.values().clone();
        labels[17] = 10;
        NpzWriter.write(bad, java.util.Map.of("x", lenet.x, "y", new NpyArray(NpyElementType.I8,
                new int[] {labels.length}, labels)));
        Path report = temp.resolve("bad.json");
        LenetRun.Run run = LenetRun.Run.job(lenet.configuration.toString(), "--data", bad.toString(), "--steps", "5",
                "--partitions", "2", "--report", report.toString());
        assertEquals(1, run.exitCode(), run.err());
        assertTrue(run.err().contains("label 10.0 of image 17 is not one of the network's 10 classes")
                && run.err().contains("[E0502]"), run.err());
        assertFalse(run.err().contains("\tat "), "no stack trace: " + run.err());
        assertFalse(Files.exists(report), "no report of a failed job");
    }

    @Test
    void missingDataIsRefusedBeforeAnyTask() {
        LenetRun.Run run = LenetRun.Run.job(lenet.configuration.toString(), "--data",
                temp.resolve("absent.npz").toString(), "--steps", "5");
        assertEquals(1, run.exitCode(), run.err());
        assertTrue(run.err().contains("absent.npz does not exist [E0602]"), run.err());
    }

    private JsonNode job(String data, String partitions) throws IOException {
        Path report = Files.createTempFile(temp, "spark", ".json");
        LenetRun.Run run = LenetRun.Run.job(lenet.configuration.toString(), "--data", data, "--steps",
                Integer.toString(LenetRun.STEPS), "--partitions", partitions, "--report", report.toString());
        assertEquals(0, run.exitCode(), run.err());
        return new ObjectMapper().readTree(report.toFile());
    }

    /** Asserts that {@code actual} equals the plain run's report but in {@link #HOW_RUN}. */
    static void assertSameFigures(JsonNode actual) {
        ObjectNode want = expected.deepCopy();
        ObjectNode got = actual.deepCopy();
        want.remove(HOW_RUN);
        got.remove(HOW_RUN);
        assertEquals(want, got);
    }
}
