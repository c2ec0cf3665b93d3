package org.snnc.tests;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.snnc.compiler.frontend.onnx.OnnxImporter;
import org.snnc.compiler.frontend.text.SnnPrinter;

/**
 * What the shared PyTorch exports import to, as golden network text: each case's input names a model below the
 * shared folder, and its expected output is the printed graph (value names, operators, attributes and weight keys).
 */
class OnnxImportGoldenTest {

    @Test
    void sharedModelsImportToTheGoldenText() throws IOException {
        GoldenFile.check("golden/onnx-import.golden", c -> SnnPrinter.print(OnnxImporter.importModel(
                Locations.shared().resolve(c.input().strip()), PyTorchAgreementTest.MNIST_PIXELS.onnx())));
    }
}
