package org.snnc.compiler.nir;

import java.util.Objects;
import java.util.Optional;

/**
 * What a NIR file does not say: the flavor whose reading of its neurons to take. Empty means the graph must name it
 * in its metadata ({@link NirFlavor#METADATA_KEY}); a given flavor overrides the metadata.
 */
public record NirImportOptions(Optional<NirFlavor> flavor) {

    /** No flavor given: only graphs that name their own can be imported. */
    public static final NirImportOptions DEFAULT = new NirImportOptions(Optional.empty());

    public NirImportOptions {
        Objects.requireNonNull(flavor, "flavor");
    }

    public static NirImportOptions of(NirFlavor flavor) {
        return new NirImportOptions(Optional.of(flavor));
    }
}
