package org.snnc.compiler.model;

import org.snnc.compiler.frontend.onnx.OnnxImportOptions;
import org.snnc.compiler.nir.NirImportOptions;

/**
 * How to load a model.
 *
 * @param allowOutsidePaths whether a network file may name a weights file outside its own folder
 * @param onnx              the input type given to ONNX models, which do not record how their data was scaled
 * @param nir               the flavor given to NIR graphs, which do not record how their neurons step
 */
public record LoadOptions(boolean allowOutsidePaths, OnnxImportOptions onnx, NirImportOptions nir) {

    public static final LoadOptions DEFAULT = new LoadOptions(false, OnnxImportOptions.DEFAULT);

    /** Options for networks and ONNX models; a NIR graph then has to name its own flavor. */
    public LoadOptions(boolean allowOutsidePaths, OnnxImportOptions onnx) {
        this(allowOutsidePaths, onnx, NirImportOptions.DEFAULT);
    }
}
