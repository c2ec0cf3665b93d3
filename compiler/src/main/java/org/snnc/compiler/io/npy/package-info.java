/**
 * NumPy {@code .npy} and {@code .npz} files: {@link org.snnc.compiler.io.npy.NpyReader} and
 * {@link org.snnc.compiler.io.npy.NpzReader} read them into {@link org.snnc.compiler.io.npy.NpyArray}s (values as
 * {@code double} in C order) or {@link org.snnc.compiler.ir.Weights}; {@link org.snnc.compiler.io.npy.NpyWriter}
 * and {@link org.snnc.compiler.io.npy.NpzWriter} write them canonically and atomically. Written from the format
 * description in NEP 1 and the {@code numpy.lib.format} documentation. Every error is a
 * {@link org.snnc.compiler.diag.CompilationException} from the E03xx (weights files) or E06xx (files) range.
 */
package org.snnc.compiler.io.npy;
