package org.snnc.tests;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;

/** The configuration's checked-in JSON Schema, {@code docs/config.schema.json}, as a validator. */
final class ConfigurationSchema {

    private static final JsonSchema SCHEMA = load();

    private ConfigurationSchema() {
    }

    private static JsonSchema load() {
        try {
            String text = Files.readString(Locations.root().resolve("docs/config.schema.json"));
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every violation of the schema, as messages; empty for a valid configuration. */
    static List<String> validate(JsonNode configuration) {
        return SCHEMA.validate(configuration).stream().map(ValidationMessage::getMessage).sorted().toList();
    }
}
