package org.snnc.emulator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.collections.api.list.primitive.ImmutableIntList;
import org.eclipse.collections.api.list.primitive.MutableIntList;
import org.eclipse.collections.impl.factory.primitive.IntLists;

/**
 * Where a core holds a [F,H,W] layer's neurons, position by position: output position p has the runs n in
 * [start[p], start[p+1]), run n being the filters {@code filters.get(n)} (ascending, all of group {@code group[n]}) at
 * the consecutive stored neurons from {@code neuron[n]} on. Channel-last storage makes a position's filters of one
 * group consecutive, whatever set they are. Equal filter lists are one array, so that a kernel slice is looked up once
 * per distinct list.
 */
record PositionRuns(int[] start, int[] group, List<int[]> filters, int[] neuron) {

    /**
     * The runs of stored neurons [first, end), holding elements {@code elementAt[first .. end)} of a layer of
     * {@code shape} whose filters form groups of {@code filtersPerGroup}.
     */
    static PositionRuns of(int[] elementAt, int first, int end, int[] shape, int filtersPerGroup) {
        int plane = shape[1] * shape[2];
        int[] start = new int[plane + 1];
        MutableIntList group = IntLists.mutable.empty();
        MutableIntList neuron = IntLists.mutable.empty();
        MutableIntList position = IntLists.mutable.empty();
        List<int[]> filters = new ArrayList<>();
        Map<ImmutableIntList, int[]> distinct = new HashMap<>();
        MutableIntList run = IntLists.mutable.empty();
        for (int stored = first; stored < end; stored++) {
            int f = elementAt[stored] / plane;
            int p = elementAt[stored] % plane;
            if (run.isEmpty() || position.getLast() != p || group.getLast() != f / filtersPerGroup) {
                closeRun(run, filters, distinct);
                position.add(p);
                group.add(f / filtersPerGroup);
                neuron.add(stored);
                start[p + 1]++;
            }
            run.add(f);
        }
        closeRun(run, filters, distinct);
        for (int p = 0; p < plane; p++) {
            start[p + 1] += start[p];
        }
        return new PositionRuns(start, group.toArray(), filters, neuron.toArray());
    }

    /** Ends a run of filters, if any, as the one array of its list. */
    private static void closeRun(MutableIntList run, List<int[]> filters, Map<ImmutableIntList, int[]> distinct) {
        if (!run.isEmpty()) {
            filters.add(distinct.computeIfAbsent(run.toImmutable(), ImmutableIntList::toArray));
            run.clear();
        }
    }
}
