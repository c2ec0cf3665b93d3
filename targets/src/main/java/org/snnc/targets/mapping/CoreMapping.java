package org.snnc.targets.mapping;

import java.util.List;

/**
 * One used core: the population pieces it updates and their replicas, the gate pieces on its output, its input axons, the routes of the
 * events it sends, and what that costs.
 *
 * @param core   the core's id
 * @param tiles  the population tiles it holds, in network order
 * @param pieces the same neurons as runs of consecutive neurons (population pieces), in network order
 * @param replicas the replicas it also updates for its gates' windows ({@link PieceDemand#computed()}), in network
 *                 order: copies of neurons other cores own, which it never routes
 * @param gates  gate-unit pieces, whose windows read only neurons of this core
 * @param axons  the core's input axons, by ascending axon
 * @param routes the routes of the events of this core's neurons and gates
 * @param usage  the resources used
 */
public record CoreMapping(int core, List<Tile> tiles, List<Piece> pieces, List<Piece> replicas, List<Piece> gates,
        List<AxonBlock> axons, List<Route> routes, CoreUsage usage) {

    public CoreMapping {
        tiles = List.copyOf(tiles);
        pieces = List.copyOf(pieces);
        replicas = List.copyOf(replicas);
        gates = List.copyOf(gates);
        axons = List.copyOf(axons);
        routes = List.copyOf(routes);
    }
}
