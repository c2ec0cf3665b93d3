package org.snnc.targets.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.IntStream;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.Diagnostic;
import org.snnc.compiler.ir.Shape;
import org.snnc.compiler.ir.Window2d;
import org.snnc.targets.mapping.RandomQuantizedNetworks.Net;
import org.snnc.targets.net.SynapticNetwork;
import org.snnc.targets.spec.ChipSpec;
import org.snnc.targets.spec.CoreResources;
import org.snnc.targets.spec.Routing;
import org.snnc.targets.testing.TestChips;

/** Mappings computed by hand (pieces, cores, axon blocks, routes, usage) and the errors of networks that do not fit. */
class MapperTest {

    private static final Window2d TILE2 = Window2d.square(2, 2, 0);

    /**
     * x [1,4,4] → c1 = conv 2×3×3 [2,2,2] (8 neurons) → fc = dense 3, on cores of 6 neurons. No tile of 6 or more
     * neurons fits, so c1 takes two tiles of 4: both channels and both rows, split by column (a column tile reads 4
     * rows × 3 columns, 12 pixels; a channel tile would read all 16). Greedy puts them on cores 0 and 1, and fc, which
     * fits beside neither, on core 2.
     */
    @Test
    void smallConvAndDenseOnGenericCores() {
        Net net = new Net("small", Shape.of(1, 4, 4), 1);
        net.conv("c1", "x.enc", 2, Window2d.square(3, 1, 0), 1);
        net.dense("fc", "c1", 3);
        SynapticNetwork network = net.network("fc");
        ChipSpec chip = TestChips.generic(4, new CoreResources(6, 4096, 4096, 65536, 6));

        Mapping mapping = Mapper.map(network, chip, new GreedyAllocator());

        assertEquals(3, mapping.cores().size());
        CoreMapping core0 = mapping.cores().get(0);
        CoreMapping core1 = mapping.cores().get(1);
        CoreMapping core2 = mapping.cores().get(2);
        assertEquals(List.of(new Tile("c1", 2, 2, 0, 2, 0, 2, 0, 1)), core0.tiles());
        assertEquals(List.of(new Piece("c1", 0, 1), new Piece("c1", 2, 1), new Piece("c1", 4, 1),
                new Piece("c1", 6, 1)), core0.pieces());
        assertEquals(List.of(new Tile("c1", 2, 2, 0, 2, 0, 2, 1, 1)), core1.tiles());
        assertEquals(List.of(new Piece("fc", 0, 3)), core2.pieces());
        // Column 0 of c1 reads pixel columns 0..2 of every row; column 1 reads columns 1..3.
        assertEquals(List.of(new AxonBlock("x.enc", 0, 3, 0, false), new AxonBlock("x.enc", 4, 3, 3, false),
                new AxonBlock("x.enc", 8, 3, 6, false), new AxonBlock("x.enc", 12, 3, 9, false)), core0.axons());
        assertEquals(List.of(new AxonBlock("c1", 0, 8, 0, false)), core2.axons());
        assertEquals(List.of(new Route("c1", 0, 1, 2), new Route("c1", 2, 1, 2), new Route("c1", 4, 1, 2),
                new Route("c1", 6, 1, 2)), core0.routes());
        // Core 0: both kernels, 2·1·3·3 entries, 4 neurons, 12 axons, 4 sent elements to one core. Core 2: fc's 3·8.
        assertEquals(new CoreUsage(4, 18, 4, 12, 4, 1), core0.usage());
        assertEquals(new CoreUsage(4, 18, 4, 12, 4, 1), core1.usage());
        assertEquals(new CoreUsage(3, 24, 3, 8, 0, 0), core2.usage());
        MappingInvariants.check(network, mapping);
    }

    /**
     * c1 = conv 2×1×1 on [1,8,8] gives [2,8,8] (128 neurons) under a 2×2 gate g [2,4,4]; cores hold 40 neurons. Tiles
     * start on even rows and columns; the fewest that fit are four of 32 neurons, and of those the column strips of
     * both channels read the fewest pixels (16 each). Each core holds a strip of two columns with the 8 gate outputs of
     * its windows, and fc (reading all of g) goes beside the last strip; every core routes its gate outputs to it.
     */
    @Test
    void aGatedPopulationIsCutOnlyBetweenWindows() {
        Net net = new Net("gated", Shape.of(1, 8, 8), 1);
        net.conv("c1", "x.enc", 2, Window2d.square(1, 1, 0), 1);
        net.gate("g", "c1", TILE2);
        net.dense("fc", "g", 4);
        SynapticNetwork network = net.network("fc");
        ChipSpec chip = TestChips.generic(8, new CoreResources(40, 4096, 4096, 65536, 40));

        Mapping mapping = Mapper.map(network, chip, new GreedyAllocator());

        assertEquals(4, mapping.cores().size());
        for (int k = 0; k < 4; k++) {
            CoreMapping core = mapping.cores().get(k);
            assertEquals(new Tile("c1", 8, 8, 0, 2, 0, 8, 2 * k, 2), core.tiles().get(0));
            List<Piece> gateOutputs = new java.util.ArrayList<>();
            for (int c = 0; c < 2; c++) {
                for (int row = 0; row < 4; row++) {
                    gateOutputs.add(new Piece("g", c * 16 + row * 4 + k, 1));
                }
            }
            assertEquals(gateOutputs, core.gates());
            assertEquals(8, core.routes().size());
            assertTrue(core.routes().stream().allMatch(route -> route.destinationCore() == 3));
        }
        assertEquals(List.of(new Tile("c1", 8, 8, 0, 2, 0, 8, 6, 2), new Tile("fc", 1, 1, 0, 4, 0, 1, 0, 1)),
                mapping.cores().get(3).tiles());
        assertEquals(new AxonBlock("g", 0, 32, 16, false), mapping.cores().get(3).axons().get(8));
        MappingInvariants.check(network, mapping);
    }

    /**
     * x [1,4,4] → c1 = conv 1×1×1 [1,4,4] → fc = dense 8, on cores of 4 neurons: c1 takes four tiles of 4 and fc two
     * pieces of 4 units, each reading all 16 of c1's neurons. So each of c1's elements goes to 2 cores: 2 output axons
     * per element without multicast, 1 with multicast 2. Every c1 core sends its 4 elements: 8 axons, or 4.
     */
    @Test
    void multicastSpendsAnOutputAxonPerEventNotPerDestination() {
        SynapticNetwork network = fanOut();
        CoreResources small = new CoreResources(4, 4096, 4096, 65536, 4);
        for (int width : new int[] {1, 2}) {
            Mapping mapping = Mapper.map(network, TestChips.generic(8, small, multicast(width)),
                    new GreedyAllocator());
            List<CoreMapping> senders = mapping.cores().stream()
                    .filter(core -> core.tiles().get(0).unit().equals("c1")).toList();
            assertEquals(4, senders.size());
            for (CoreMapping core : senders) {
                assertEquals(8 / width, core.usage().outputAxons(), "multicast " + width);
                assertEquals(2, core.usage().destinations());
            }
            MappingInvariants.check(network, mapping);
        }
    }

    /**
     * The same network on cores of 4 neurons and 4 output axons: fc's two pieces each read all 16 of c1's elements,
     * so an element costs 2 output axons without multicast and c1's tiles hold 2 neurons (8 tiles), or 1 with
     * multicast 2 and they hold 4 (4 tiles). The partitioner sizes the senders' tiles by ⌈readers/m⌉.
     */
    @Test
    void multicastLetsTheSendersTilesGrow() {
        SynapticNetwork network = fanOut();
        CoreResources narrow = new CoreResources(4, 4096, 4, 65536, 4);
        for (int width : new int[] {1, 2}) {
            Mapping mapping = Mapper.map(network, TestChips.generic(16, narrow, multicast(width)),
                    new GreedyAllocator());
            long senderTiles = mapping.cores().stream().flatMap(core -> core.tiles().stream())
                    .filter(tile -> tile.unit().equals("c1")).count();
            assertEquals(8 / width, senderTiles, "multicast " + width);
            MappingInvariants.check(network, mapping);
        }
    }

    /** x [1,4,4] → c1 = conv 1×1×1 [1,4,4] → fc = dense 8: every element of c1 reaches every piece of fc. */
    private static SynapticNetwork fanOut() {
        Net net = new Net("fanout", Shape.of(1, 4, 4), 1);
        net.conv("c1", "x.enc", 1, Window2d.square(1, 1, 0), 1);
        net.dense("fc", "c1", 8);
        return net.network("fc");
    }

    /** Routing with multicast {@code width}, none for 1. */
    private static Routing multicast(int width) {
        return new Routing(OptionalInt.empty(), true, width == 1 ? OptionalInt.empty() : OptionalInt.of(width),
                OptionalInt.empty());
    }

    /**
     * x [1,4,4] → c1 = conv 1×1, 8 channels [8,4,4] → c2 = conv 3×3 pad 1, 2 channels [2,4,4], on cores of 32 neurons
     * and 4096 axons: c1 and c2 take one core each. c2's core reads all 128 elements of c1: 128 input axons with one
     * axon per element, 16 (one per position) with population axons. c1's core sends its 128 elements to one core:
     * 128 output axons, or 256 when a population axon takes 2 slots.
     */
    @Test
    void populationAxonsTakeOneInputAxonPerPositionAndTheirSlotsOfOutputAxons() {
        Net net = new Net("population", Shape.of(1, 4, 4), 1);
        net.conv("c1", "x.enc", 8, Window2d.square(1, 1, 0), 1);
        net.conv("c2", "c1", 2, Window2d.square(3, 1, 1), 1);
        SynapticNetwork network = net.network("c2");
        CoreResources core = new CoreResources(128, 4096, 4096, 65536, 128);
        long[][] expected = {{128, 128}, {16, 128}, {16, 256}};
        OptionalInt[] slots = {OptionalInt.empty(), OptionalInt.of(1), OptionalInt.of(2)};
        for (int k = 0; k < slots.length; k++) {
            Routing routing = new Routing(OptionalInt.empty(), true, OptionalInt.empty(), slots[k]);
            Mapping mapping = Mapper.map(network, TestChips.generic(4, core, routing), new GreedyAllocator());
            CoreMapping reader = mapping.cores().stream().filter(c -> c.tiles().get(0).unit().equals("c2"))
                    .findFirst().orElseThrow();
            CoreMapping sender = mapping.cores().stream().filter(c -> c.tiles().get(0).unit().equals("c1"))
                    .findFirst().orElseThrow();
            assertEquals(expected[k][0], reader.usage().inputAxons(), "population axons " + slots[k]);
            assertEquals(expected[k][1], sender.usage().outputAxons(), "population axons " + slots[k]);
            assertEquals(slots[k].isPresent(), reader.axons().stream().allMatch(AxonBlock::positions));
            MappingInvariants.check(network, mapping);
        }
    }

    /**
     * Overlapping 3×3 windows (stride 2, padding 1) over an 8×8 map: gate output column j pools columns 2j − 1 ..
     * 2j + 1. With 70 neurons a core holds one channel; with 40 each channel is cut at column 4 (a multiple of the
     * stride), each tile of 32 neurons owning the gate columns whose windows start in it (0..1 and 2..3) and
     * updating replicas of the columns beyond it that those windows read: none for the left tile (gate column 1
     * reads 1..3), column 3 for the right one (gate column 2 reads 3..5), 40 neurons.
     */
    @Test
    void overlappingGateWindowsAreCutWithReplicas() {
        Net net = new Net("gated", Shape.of(1, 8, 8), 1);
        net.conv("c1", "x.enc", 2, Window2d.square(1, 1, 0), 1);
        net.gate("g", "c1", Window2d.square(3, 2, 1));
        net.dense("fc", "g", 4);
        SynapticNetwork network = net.network("fc");

        Mapping byChannel = Mapper.map(network, TestChips.generic(8, new CoreResources(70, 4096, 4096, 65536, 70)),
                new GreedyAllocator());
        assertEquals(List.of(new Piece("c1", 0, 64)), byChannel.cores().get(0).pieces());
        assertEquals(List.of(), byChannel.cores().get(0).replicas());
        assertEquals(List.of(new Piece("g", 0, 16)), byChannel.cores().get(0).gates());
        MappingInvariants.check(network, byChannel);

        Mapping byColumns = Mapper.map(network, TestChips.generic(8, new CoreResources(40, 4096, 4096, 65536, 40)),
                new GreedyAllocator());
        CoreMapping left = byColumns.cores().get(0);
        CoreMapping right = byColumns.cores().get(1);
        assertEquals(new Tile("c1", 8, 8, 0, 1, 0, 8, 0, 4), left.tiles().get(0));
        assertEquals(List.of(), left.replicas());
        assertEquals(new Tile("c1", 8, 8, 0, 1, 0, 8, 4, 4), right.tiles().get(0));
        assertEquals(IntStream.range(0, 8).mapToObj(y -> new Piece("c1", 8 * y + 3, 1)).toList(), right.replicas());
        assertEquals(IntStream.range(0, 4).mapToObj(i -> new Piece("g", 4 * i + 2, 2)).toList(), right.gates());
        assertEquals(40, right.usage().neurons());
        MappingInvariants.check(network, byColumns);
    }

    /**
     * A LeNet for Speck (stride-2 convs instead of pooling): fc1 reads [16,5,5] through a 5×5 kernel, so it needs
     * 16·2^(5+7) = 65536 kernel entries, which only cores 5 and 6 have. Max flow puts c1 → 0, c2 → 1, fc1 → 5,
     * fc2 (120·2^7 = 15360) → 2 and fc3 → 3, the first free core each augmenting path finds.
     */
    @Test
    void maxFlowPutsTheBigKernelOnA64KiKernelCore() {
        SynapticNetwork network = speckLenet(5);
        ChipSpec speck = TestChips.speck();

        Mapping mapping = Mapper.map(network, speck, CoreAllocator.defaultFor(speck));

        assertEquals("maxflow", mapping.allocator());
        assertEquals(List.of(0, 1, 2, 3, 5), mapping.cores().stream().map(CoreMapping::core).toList());
        assertEquals("c1 c2 fc2 fc3 fc1", mapping.cores().stream().map(core -> core.pieces().get(0).unit())
                .collect(Collectors.joining(" ")));
        CoreMapping fc1 = mapping.cores().get(4);
        assertEquals(new CoreUsage(120, 65536, 120, 400, 120, 1), fc1.usage());
        MappingInvariants.check(network, mapping);
    }

    @Test
    void aLayerBeyondEverySpeckCoreIsTooBig() {
        CompilationException error = assertThrows(CompilationException.class,
                () -> Mapper.map(speckLenet(6), TestChips.speck(), new MaxFlowAllocator()));
        assertEquals("net.snn:3:1: error: layer 'fc1' does not fit target speck: kernel memory 131072 exceeds the "
                + "largest core's 65536 [E0903]", error.getMessage());
    }

    /** fcA, fcB and fcC each need a 64Ki kernel core; Speck has two. */
    @Test
    void threeLayersForTwoBigKernelCoresHaveNoValidMapping() {
        Net net = new Net("big", Shape.of(16, 5, 5), 1);
        net.dense("fcA", "x.enc", 120);
        net.dense("fcB", "fcA", 512);
        net.dense("fcC", "fcB", 100);
        CompilationException error = assertThrows(CompilationException.class,
                () -> Mapper.map(net.network("fcC"), TestChips.speck(), new MaxFlowAllocator()));
        assertEquals("net.snn:3:1: error: no valid mapping onto target speck: could not place 'fcC' fits only cores "
                + "[5, 6] (core 5 holds 'fcA', core 6 holds 'fcB') [E0906]", error.getMessage());
    }

    @Test
    void tenLayersNeedTenSpeckCores() {
        Net net = new Net("deep", Shape.of(1, 4, 4), 1);
        String last = "x.enc";
        for (int k = 1; k <= 10; k++) {
            last = net.dense("d" + k, last, 8);
        }
        SynapticNetwork network = net.network(last);
        CompilationException error = assertThrows(CompilationException.class,
                () -> Mapper.map(network, TestChips.speck(), new MaxFlowAllocator()));
        assertEquals("net.snn:10:1: error: the network needs 10 cores but target speck has 9: each layer takes a "
                + "core of its own and the network has 10 layers [E0904]", error.getMessage());
        CompilationException greedy = assertThrows(CompilationException.class,
                () -> Mapper.map(network, TestChips.speck(), new GreedyAllocator()));
        assertEquals("net.snn:10:1: error: the network needs 10 cores but target speck has 9: layer 'd10' was the "
                + "first without room (core 0 (holding 'd1'): layers 2 exceeds 1); at most 1 layer per core, its 10 "
                + "layers need at "
                + "least 10 cores [E0904]", greedy.getMessage());
    }

    /** a feeds b, c and d, each on a core of its own; a Speck core reaches at most two. */
    @Test
    void threeDestinationsAreTooManyForSpeck() {
        Net net = new Net("fan", Shape.of(1, 4, 4), 1);
        net.conv("a", "x.enc", 2, Window2d.square(3, 1, 1), 1);
        for (String branch : List.of("b", "c", "d")) {
            net.conv(branch, "a", 2, Window2d.square(3, 1, 1), 1);
        }
        net.denseSum("e", List.of("b", "c", "d"), 4);
        SynapticNetwork network = net.network("e");
        CompilationException error = assertThrows(CompilationException.class,
                () -> Mapper.map(network, TestChips.speck(), new MaxFlowAllocator()));
        assertEquals("net.snn:1:1: error: no valid mapping onto target speck: layer 'a' sends to 3 cores ('b', 'c', "
                + "'d') but a core of this target sends to at most 2 [E0906]", error.getMessage());
        CompilationException greedy = assertThrows(CompilationException.class,
                () -> Mapper.map(network, TestChips.speck(), new GreedyAllocator()));
        assertTrue(greedy.getMessage().contains("core 0 (holding 'a'): destinations 3 exceeds 2"), greedy.getMessage());
    }

    @Test
    void gatesAndOddStridesAreRejectedOnSpeck() {
        Net net = new Net("odd", Shape.of(1, 12, 12), 1);
        net.conv("c1", "x.enc", 2, Window2d.square(3, 3, 0), 1);
        net.gate("g", "c1", TILE2);
        net.dense("fc", "g", 4);
        CompilationException error = assertThrows(CompilationException.class,
                () -> Mapper.map(net.network("fc"), TestChips.speck(), new MaxFlowAllocator()));
        assertEquals(List.of(
                "<generated>: error: maxpool_gate 'g' needs a max-pool gate unit, which target speck lacks; use "
                        + "average pooling, which folds into the next layer [E0901]",
                "net.snn:1:1: error: layer 'c1' does not fit target speck: stride 3 is not one of [1, 2, 4, 8] "
                        + "[E0907]"),
                error.diagnostics().stream().map(Diagnostic::format).toList());
    }

    @Test
    void tooFewGenericCoresNameTheDominantResource() {
        Net net = new Net("wide", Shape.of(1, 8, 8), 1);
        net.conv("c1", "x.enc", 4, Window2d.square(1, 1, 0), 1);
        net.dense("fc", "c1", 10);
        CompilationException error = assertThrows(CompilationException.class, () -> Mapper.map(net.network("fc"),
                TestChips.generic(2, new CoreResources(100, 4096, 4096, 65536, 100)), new GreedyAllocator()));
        assertEquals("net.snn:1:1: error: the network needs 3 cores but target generic has 2: layer 'c1' was the "
                + "first without room (core 0 (holding 'c1'): neurons 160 exceeds 100); by neurons alone it needs at "
                + "least 3 cores: "
                + "266 in all, at most 100 per core [E0904]", error.getMessage());
    }

    /** The packing reports its cores beside the lower bound, and every core of a balanced packing is within limits. */
    @Test
    void packingReportsItsCoresAndTheLowerBound() {
        SynapticNetwork network = lenet();
        ChipSpec chip = TestChips.generic();
        Mapper.Result result = Mapper.run(network, chip, new PackingAllocator());
        long cores = result.allocation().statistics().get("cores");
        long lowerBound = result.allocation().statistics().get("lower-bound");
        assertEquals(cores, result.mapping().cores().size());
        assertTrue(lowerBound <= cores, lowerBound + " ≤ " + cores);
        assertEquals(7, lowerBound, "⌈(4704 + 1600 + 120 + 84 + 10) neurons / 1024⌉");
        MappingInvariants.check(network, result.mapping());
    }

    @Test
    void allocatorsAreFoundByName() {
        assertEquals(List.of("greedy", "maxflow", "packed"), CoreAllocator.names());
        for (String name : CoreAllocator.names()) {
            assertEquals(name, CoreAllocator.byName(name).orElseThrow().name());
        }
        assertTrue(CoreAllocator.byName("optimal").isEmpty());
        assertInstanceOf(MaxFlowAllocator.class, CoreAllocator.defaultFor(TestChips.speck()));
        assertInstanceOf(GreedyAllocator.class, CoreAllocator.defaultFor(TestChips.loihi()));
    }

    @Test
    void theLimitCheckReportsEveryViolation() {
        Net net = new Net("small", Shape.of(1, 4, 4), 1);
        net.dense("fc", "x.enc", 3);
        Mapping mapping = Mapper.map(net.network("fc"), TestChips.speck(), new MaxFlowAllocator());
        CoreMapping core = mapping.cores().get(0);
        CoreMapping overfull = new CoreMapping(core.core(), core.tiles(), core.pieces(), core.replicas(), core.gates(), core.axons(),
                List.of(new Route("fc", 0, 3, 0)), new CoreUsage(70000, 20000, 3, 16, 3, 3));
        Mapping broken = new Mapping(mapping.network(), mapping.chip(), mapping.allocator(), List.of(overfull),
                mapping.inputRoutes(), mapping.bounds());
        assertEquals(List.of(
                "net.snn:1:1: error: core 0: neuron memory 70000 exceeds 65536 [E0905]",
                "net.snn:1:1: error: core 0: kernel memory 20000 exceeds 16384 [E0905]",
                "net.snn:1:1: error: core 0: destinations 3 exceeds 2 [E0905]",
                "net.snn:1:1: error: core 0: self-routed elements 3 exceeds 0 [E0905]"),
                LimitCheck.violations(broken).stream().map(Diagnostic::format).toList());
    }

    /** Cores used by LeNet on the three chips with each allocator, printed for the record. */
    @Test
    void lenetFigures() {
        SynapticNetwork gated = lenet();
        SynapticNetwork strided = speckLenet(5);
        StringBuilder figures = new StringBuilder();
        for (ChipSpec chip : List.of(TestChips.generic(), TestChips.loihi(), TestChips.speck())) {
            SynapticNetwork network = chip.features().maxPoolGate() ? gated : strided;
            for (String name : CoreAllocator.names()) {
                Mapping mapping = Mapper.map(network, chip, CoreAllocator.byName(name).orElseThrow());
                MappingInvariants.check(network, mapping);
                figures.append(String.format("%-8s %-8s %2d cores%n", chip.name(), name, mapping.cores().size()));
            }
        }
        System.out.print(figures);
    }

    /** LeNet-5 with gates: c1 6×5×5 pad 2, 2×2 gate, c2 16×5×5, 2×2 gate, fc 120, 84, 10. */
    static SynapticNetwork lenet() {
        Net net = new Net("lenet", Shape.of(1, 28, 28), 1);
        net.conv("c1", "x.enc", 6, Window2d.square(5, 1, 2), 1);
        net.gate("g1", "c1", TILE2);
        net.conv("c2", "g1", 16, Window2d.square(5, 1, 0), 1);
        net.gate("g2", "c2", TILE2);
        net.dense("fc1", "g2", 120);
        net.dense("fc2", "fc1", 84);
        net.dense("fc3", "fc2", 10);
        return net.network("fc3");
    }

    /** LeNet for Speck: c1 6×5×5 stride 2 [6,12,12], c2 16×k×k stride 2 [16,s,s], fc 120, 84, 10. */
    static SynapticNetwork speckLenet(int side) {
        Net net = new Net("lenet", Shape.of(1, 28, 28), 1);
        net.conv("c1", "x.enc", 6, Window2d.square(5, 2, 0), 1);
        net.conv("c2", "c1", 16, side == 5 ? Window2d.square(3, 2, 0) : Window2d.square(2, 2, 0), 1);
        net.dense("fc1", "c2", 120);
        net.dense("fc2", "fc1", 84);
        net.dense("fc3", "fc2", 10);
        return net.network("fc3");
    }
}
