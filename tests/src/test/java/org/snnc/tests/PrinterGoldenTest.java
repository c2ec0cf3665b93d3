package org.snnc.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.snnc.compiler.frontend.text.SnnPrinter;
import org.snnc.compiler.frontend.text.SnnTextFrontEnd;

/** The printer's canonical output, as golden files, and print → parse → print as a fixed point on each case. */
class PrinterGoldenTest {

    @Test
    void printsCanonicalText() throws IOException {
        GoldenFile.check("golden/printer.golden", c -> print(c.input(), c.label()));
    }

    @Test
    void printingIsAFixedPoint() throws IOException {
        for (GoldenFile.Case c : GoldenFile.read(Locations.testResources().resolve("golden/printer.golden"))) {
            String once = print(c.input(), c.label());
            assertEquals(once, print(once, c.label() + " (printed)"), c.label());
        }
    }

    private static String print(String text, String name) {
        return SnnPrinter.print(SnnTextFrontEnd.parse(text, name + ".snn").graph());
    }
}
