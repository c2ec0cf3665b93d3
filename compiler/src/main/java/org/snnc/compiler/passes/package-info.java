/**
 * The conversion passes of Rueckauer et al. 2017 and the {@link org.snnc.compiler.passes.PassManager} that runs
 * them. Every pass is a stateless final class: its options arrive in its constructor, its per-run data in a
 * {@link org.snnc.compiler.passes.PassContext}, and it returns a new graph. Passes never print and never time
 * themselves; the manager verifies, times and dumps after each one.
 */
package org.snnc.compiler.passes;
