/** Parallelism shared by the interpreters: work spread over images, with results that do not depend on threads. */
package org.snnc.compiler.concurrent;
