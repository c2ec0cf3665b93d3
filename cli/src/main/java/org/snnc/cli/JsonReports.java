package org.snnc.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Path;
import org.snnc.compiler.io.AtomicFiles;

/**
 * Writes the commands' {@code --report} files: indented JSON whose record components become snake_case keys (map
 * keys are written as they are), through {@link AtomicFiles} so that a report is whole or absent.
 */
final class JsonReports {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private JsonReports() {
    }

    /**
     * Refuses, before the command does its work, report files that could not be written at its end (a directory,
     * {@code /dev/null}); null stands for a report not asked for.
     */
    static void requireReplaceable(Path... files) {
        for (Path file : files) {
            if (file != null) {
                AtomicFiles.requireReplaceable(file);
            }
        }
    }

    static void write(Path file, Object report) throws JsonProcessingException {
        AtomicFiles.write(file, JSON.writeValueAsBytes(report));
    }
}
