package org.snnc.targets.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Window2d;
import org.snnc.targets.mapping.CoreBounds.Bound;
import org.snnc.targets.mapping.CoreBounds.LayerBound;
import org.snnc.targets.mapping.RandomQuantizedNetworks.Net;
import org.snnc.targets.spec.CoreResources;

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
}
