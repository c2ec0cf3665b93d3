package org.snnc.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded {@code snnc-spark.jar} run as {@code spark-submit --class org.snnc.spark.RunJob} runs it: a new JVM with
 * Spark's jars and the shaded jar on the classpath and nothing else (no Spark distribution, with its
 * {@code spark-submit} script, is at hand offline, so its launch is emulated; the master comes as the system property
 * {@code spark.master}, as spark-submit passes {@code --master}). Runs in the integration-test phase, after package
 * has built the jar (the tag keeps it out of the test phase).
 */
@Tag("shaded-jar")
class ShadedJarSmokeTest {

    @TempDir
    Path temp;

    @Test
    void theShadedJarRunsLenetUnderSparksOwnClasspathAsSnncRunDoes() throws IOException, InterruptedException {
        LenetRun lenet = LenetRun.get();
        Path expectedReport = temp.resolve("plain.json");
        LenetRun.Run plain = LenetRun.Run.snnc("run", lenet.configuration.toString(), "--data",
                lenet.digits.toString(), "--steps", "30", "--report", expectedReport.toString());
        assertEquals(0, plain.exitCode(), plain.err());

        Path jar = Path.of(System.getProperty("snnc.spark.jar"));
        String sparkJars = Files.readString(Path.of(System.getProperty("snnc.spark.classpath"))).strip();
        Path report = temp.resolve("spark.json");
        Path log = temp.resolve("job.log");
        Path quiet = Path.of(ShadedJarSmokeTest.class.getResource("/log4j2.properties").getPath());
        Process job = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", sparkJars + File.pathSeparator + jar, "-Dspark.master=local[2]", "-Dspark.ui.enabled=false",
                "-Dspark.driver.host=127.0.0.1", "-Dspark.driver.bindAddress=127.0.0.1",
                "-Dlog4j2.configurationFile=" + quiet.toUri(), "org.snnc.spark.RunJob",
                lenet.configuration.toString(), "--data", lenet.digits.toString(), "--steps", "30",
                "--partitions", "2", "--report", report.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(job.waitFor(5, TimeUnit.MINUTES), "the job ends within 5 minutes");
        assertEquals(0, job.exitValue(), Files.readString(log));

        JsonNode expected = new ObjectMapper().readTree(expectedReport.toFile());
        JsonNode actual = new ObjectMapper().readTree(report.toFile());
        for (String figure : List.of("images", "accuracy", "ann_accuracy", "synaptic_ops_per_image",
                "spikes_per_core", "predictions", "labels")) {
            assertEquals(expected.get(figure), actual.get(figure), figure);
        }
    }
}
