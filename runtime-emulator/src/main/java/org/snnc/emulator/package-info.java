/**
 * The cycle-accurate chip emulator. It reads emitted configuration files only and re-implements the chip arithmetic
 * on its own: it must never depend on the compiler (a Maven enforcer rule in this module's pom fails the build if it
 * does), so that a rounding bug shared with the compiler cannot hide.
 */
package org.snnc.emulator;
