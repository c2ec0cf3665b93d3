package org.snnc.compiler.nir;

import java.util.Objects;
import java.util.Optional;
import org.snnc.compiler.nir.NirConventions.Flavor;

/**
 * What a NIR file does not say: the flavor whose reading of its neurons to take. Empty means the graph must name it
 * in its metadata ({@link Flavor#METADATA_KEY}), as snnc's exporter does; a given flavor overrides the metadata.
 */
public record NirImportOptions(Optional<Flavor> flavor) {

    /** No flavor given: only graphs that name their own can be imported. */
    public static final NirImportOptions DEFAULT = new NirImportOptions(Optional.empty());

    public NirImportOptions {
        Objects.requireNonNull(flavor, "flavor");
    }

    public static NirImportOptions of(Flavor flavor) {
        return new NirImportOptions(Optional.of(flavor));
    }
}
