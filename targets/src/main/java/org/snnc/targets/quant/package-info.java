/**
 * Fixed-point quantization of a converted spiking network for a chip: {@link org.snnc.targets.quant.Quantize} turns
 * the float thresholds, weights and currents into the integers of {@link org.snnc.compiler.ir.FixedPoint} that fit a
 * {@link org.snnc.targets.spec.ChipSpec}, and reports per population what it chose ({@link
 * org.snnc.targets.quant.LayerQuantization}).
 */
package org.snnc.targets.quant;
