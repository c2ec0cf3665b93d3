package org.snnc.compiler.model;

import org.snnc.compiler.frontend.onnx.OnnxImportOptions;

/**
 * How to load a model.
 *
 * @param allowOutsidePaths whether a network file may name a weights file outside its own folder
 * @param onnx              the input type given to ONNX models, which do not record how their data was scaled
 */
public record LoadOptions(boolean allowOutsidePaths, OnnxImportOptions onnx) {

    public static final LoadOptions DEFAULT = new LoadOptions(false, OnnxImportOptions.DEFAULT);
}
