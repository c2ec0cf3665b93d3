/**
 * Chip targets: each chip's limits as one JSON spec (cores, neurons per core, fan-in and fan-out, synapse memory,
 * weight, threshold and state bit widths), fixed-point quantization against those widths, core mapping behind a
 * {@code CoreAllocator}, and emission of canonical configuration files. Built on the compiler's IR.
 */
package org.snnc.targets;
