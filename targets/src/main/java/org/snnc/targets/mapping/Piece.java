package org.snnc.targets.mapping;

/**
 * A contiguous range of one unit's elements in flat C order, [first, first + count): the part of a population (or of
 * the gate unit on its output) that one core holds.
 *
 * @param unit  the population's or gate's name
 * @param first the first element
 * @param count how many elements
 */
public record Piece(String unit, int first, int count) {

    public int end() {
        return first + count;
    }
}
