package dev.nettyws.frame;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * RFC 6455 §5.3, §10.3: the default key source gives fresh, unpredictable keys, also across refills of its
 * per-thread batches, and no two threads share a keystream.
 */
class MaskingKeySourceTest {
    private static final int KEYS = 200_000;

    @Test
    void secureKeysAreDistinctAndBalancedAcrossManyBatches() {
        MaskingKeySource source = MaskingKeySource.secure();
        Set<Integer> seen = new HashSet<>();
        long ones = 0;
        for (int i = 0; i < KEYS; i++) {
            int key = source.nextKey();
            seen.add(key);
            ones += Integer.bitCount(key);
        }
        // 200,000 random 32-bit keys collide about 5 times (birthday bound); a repeating stream would collide a lot.
        assertTrue(KEYS - seen.size() < 40, () -> (KEYS - seen.size()) + " repeated keys");
        double share = ones / (32.0 * KEYS);
        assertTrue(Math.abs(share - 0.5) < 0.005, () -> "share of one bits: " + share);
    }

    @Test
    void threadsDoNotShareAKeystream() throws InterruptedException {
        AtomicIntegerArray firstKeys = new AtomicIntegerArray(2);
        Thread[] threads = new Thread[2];
        for (int t = 0; t < threads.length; t++) {
            int index = t;
            threads[t] = new Thread(() -> firstKeys.set(index, MaskingKeySource.secure().nextKey()));
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertNotEquals(firstKeys.get(0), firstKeys.get(1), "two threads drew the same first key");
    }
}
