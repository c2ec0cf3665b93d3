package org.snnc.targets.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Window2d;
import org.snnc.targets.mapping.CoreBounds.Bound;
import org.snnc.targets.mapping.CoreBounds.LayerBound;
import org.snnc.targets.mapping.RandomQuantizedNetworks.Net;
import org.snnc.targets.net.SynapticNetwork;
import org.snnc.targets.spec.CoreResources;
import org.snnc.targets.spec.Routing;
import org.snnc.targets.testing.TestChips;

/** Lower bounds on cores computed by hand. */
class CoreBoundsTest {

    /**
     * x [1,8,8] → c1 = conv 4×1×1 [4,8,8] → fc = dense 10, on cores of 100 neurons, 100 biases, 50 input axons and
     * 300 output axons. c1: 256 neurons → 3 cores; it reads 64 pixels → 2 cores of input axons; fc reads all 256 of its
     * neurons → 1 core of output axons. fc: 10 neurons, but 256 input axons → 6 cores. In all: 266 neurons → 3 cores,
     * 320 input axons → 7 cores, which sets the network's bound.
     */
    @Test
    void eachLayerAndTheNetworkAreBoundByTheirScarcestResource() {
        Net net = new Net("wide", Shape.of(1, 8, 8), 1);
        net.conv("c1", "x.enc", 4, Window2d.square(1, 1, 0), 1);
        net.dense("fc", "c1", 10);
        CoreBounds bounds = CoreBounds.of(net.network("fc"),
                TestChips.generic(16, new CoreResources(100, 50, 300, 65536, 100)));
        assertEquals(List.of(new LayerBound("c1", new Bound(3, Resource.NEURONS, 256, 100)),
                new LayerBound("fc", new Bound(6, Resource.INPUT_AXONS, 256, 50))), bounds.layers());
        assertEquals(new Bound(7, Resource.INPUT_AXONS, 320, 50), bounds.total());
    }

    /**
     * x [1,4,4] → c1 = conv 8×1×1 [8,4,4] → c2 = conv 16×8×3×3, padding 1 [16,4,4], on cores of 1024 neurons, 4096
     * input axons, 200 output axons and 288 weight entries. c2's 16 filters at one position need 16·8·9 = 1152 entries,
     * so they lie on at least ⌈1152/288⌉ = 4 cores, each of which every element of c1 in their field must reach:
     * c1's 128 elements take at least 4·128 = 512 output axons, 3 cores of 200 (one per element would be 1). With
     * multicast 2, each element needs ⌈4/2⌉ = 2 of them: 256, 2 cores.
     */
    @Test
    void aReaderWhoseKernelsFillSeveralCoresMakesEachElementReachThemAll() {
        Net net = new Net("fanout", Shape.of(1, 4, 4), 1);
        net.conv("c1", "x.enc", 8, Window2d.square(1, 1, 0), 1);
        net.conv("c2", "c1", 16, Window2d.square(3, 1, 1), 1);
        CoreResources core = new CoreResources(1024, 4096, 200, 288, 1024);
        SynapticNetwork network = net.network("c2");
        CoreBounds bounds = CoreBounds.of(network, TestChips.generic(16, core));
        assertEquals(new LayerBound("c1", new Bound(3, Resource.OUTPUT_AXONS, 512, 200)), bounds.layers().get(0));
        CoreBounds multicast = CoreBounds.of(network, TestChips.generic(16, core,
                new Routing(OptionalInt.empty(), true, OptionalInt.of(2), OptionalInt.empty())));
        assertEquals(new LayerBound("c1", new Bound(2, Resource.OUTPUT_AXONS, 256, 200)), multicast.layers().get(0));
    }
}
