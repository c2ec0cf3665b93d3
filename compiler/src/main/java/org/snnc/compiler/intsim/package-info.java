/**
 * The integer reference: {@link org.snnc.compiler.intsim.IntegerReference} runs a quantized spiking graph exactly as
 * {@link org.snnc.compiler.ir.FixedPoint} and docs/configuration.md ("Units and arithmetic: the step") state, in
 * plain long arithmetic, as the oracle an emulator of the emitted configuration must match spike for spike.
 */
package org.snnc.compiler.intsim;
