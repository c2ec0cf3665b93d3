package org.snnc.compiler.ir;

import java.util.List;

/** Checks operand lists given to {@link Node#withInputs(List)}. */
final class Operands {

    private Operands() {
    }

    static String only(List<String> operands, String node) {
        if (operands.size() != 1) {
            throw new IllegalArgumentException("'" + node + "' takes one operand, got " + operands);
        }
        return operands.get(0);
    }

    static void none(List<String> operands, String node) {
        if (!operands.isEmpty()) {
            throw new IllegalArgumentException("'" + node + "' takes no operands, got " + operands);
        }
    }
}
