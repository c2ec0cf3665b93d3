package org.snnc.compiler.nir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.snnc.compiler.diag.CompilationException;

/**
 * Reads damaged copies of a NIR file in a JVM of its own, whose heap the test sets small so that a damage claiming
 * gigabytes fails at once instead of being granted. Damage {@code i} overwrites one to four bytes drawn from a
 * generator seeded with i, so a failing damage is reproduced by its number alone. Prints how many copies read and
 * how many were refused, and every damage that escaped as another exception; exits with 1 if any did.
 *
 * <p>Arguments: the file, the first damage, the number of damages.
 */
final class NirReadOutcome {

    private NirReadOutcome() {
    }

    public static void main(String[] args) throws IOException {
        byte[] original = Files.readAllBytes(Path.of(args[0]));
        int first = Integer.parseInt(args[1]);
        int count = Integer.parseInt(args[2]);
        Path copy = Files.createTempFile("damaged", ".nir");
        int read = 0;
        int refused = 0;
        int escaped = 0;
        try {
            for (int damage = first; damage < first + count; damage++) {
                Files.write(copy, damaged(original, damage));
                try {
                    NirReader.read(copy);
                    read++;
                } catch (CompilationException refusal) {
                    refused++;
                } catch (RuntimeException | Error e) {
                    escaped++;
                    System.out.println("damage " + damage + " escaped as " + e);
                }
            }
        } finally {
            Files.delete(copy);
        }
        System.out.println("read " + read + " refused " + refused);
        System.exit(escaped == 0 ? 0 : 1);
    }

    static byte[] damaged(byte[] original, int damage) {
        Random random = new Random(damage);
        byte[] bytes = original.clone();
        int overwritten = 1 + random.nextInt(4);
        for (int k = 0; k < overwritten; k++) {
            bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
        }
        return bytes;
    }
}
