package org.snnc.targets.spec;

import java.util.OptionalInt;

/**
 * Which routes between cores are allowed.
 *
 * @param maxDestinationsPerCore the most distinct destination cores one core may send to, when limited (Speck: 2)
 * @param selfRoutes             whether a core may send spikes to itself (two consecutive layers on one core)
 */
public record Routing(OptionalInt maxDestinationsPerCore, boolean selfRoutes) {
}
