package org.snnc.emulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.snnc.emulator.io.Npz;

/** LeNet as `snnc compile --target generic` emits it, on 20 MNIST digits for 50 steps, in strict mode. */
class LenetSmokeTest {
    private static Path resource(String name) throws URISyntaxException {
        return Path.of(LenetSmokeTest.class.getResource("/lenet/" + name).toURI());
    }

    private static int[][] images(Npz.U8Array x) {
        int count = x.shape()[0];
        int size = x.values().length / count;
        int[][] images = new int[count][size];
        for (int i = 0; i < count; i++) {
            System.arraycopy(x.values(), i * size, images[i], 0, size);
        }
        return images;
    }

    @Test
    void classifiesDigitsAndIsIndependentOfTheThreadCount() throws Exception {
        Chip chip = Chip.load(resource("config.json"));
        int[][] images = images(Npz.readU8(resource("digits20.npz"), "x"));
        int[] labels = Npz.readU8(resource("digits20.npz"), "y").values();

        Runner.Result one = Runner.run(chip, images, 50, 1, true, null);
        Runner.Result three = Runner.run(chip, images, 50, 3, true, null);

        System.out.printf("lenet generic: accuracy %.2f, %.0f image-steps/s, %.3g synaptic events/s%n",
                one.accuracy(labels), three.imageStepsPerSecond(), three.synapticEventsPerSecond());
        // The known figure on these 20 digits: the chip classifies every one by step 50.
        assertEquals(1.0, one.accuracy(labels), "accuracy");
        for (int t = 0; t < 50; t++) {
            assertArrayEquals(one.predictions()[t], three.predictions()[t]);
        }
        for (int i = 0; i < images.length; i++) {
            assertArrayEquals(one.synapticOps()[i], three.synapticOps()[i]);
        }
        assertArrayEquals(one.spikesPerCore(), three.spikesPerCore());
        assertEquals(one.neuronUpdates(), three.neuronUpdates());
    }
}
