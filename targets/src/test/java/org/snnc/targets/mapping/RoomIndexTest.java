package org.snnc.targets.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The room index against a scan of the cores. */
class RoomIndexTest {

    /**
     * After each random update, next(from, demand) is the lowest core at or after from, of those set so far, whose
     * room covers the demand in both resources, as a scan finds it; the first cores set beyond the index's 37 make it
     * grow.
     */
    @Test
    void nextIsTheLowestCoreWithRoomAsAScanFindsIt() {
        Random random = new Random(17);
        long[][] room = new long[100][];
        RoomIndex index = new RoomIndex(37, 2);
        for (int step = 0; step < 2000; step++) {
            int core = random.nextInt(step < 200 ? 37 : room.length);
            room[core] = new long[] {random.nextInt(10), random.nextInt(10)};
            index.set(core, room[core]);
            long[] demand = {random.nextInt(10), random.nextInt(10)};
            int from = random.nextInt(room.length);
            assertEquals(scan(room, from, demand), index.next(from, demand), "step " + step);
        }
    }

    private static int scan(long[][] room, int from, long[] demand) {
        for (int core = from; core < room.length; core++) {
            if (room[core] != null && room[core][0] >= demand[0] && room[core][1] >= demand[1]) {
                return core;
            }
        }
        return -1;
    }
}
