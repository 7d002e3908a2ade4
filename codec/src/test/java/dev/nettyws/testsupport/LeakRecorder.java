package dev.nettyws.testsupport;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Collects Netty's leak reports instead of only logging them, so that a test can fail on one. Installed as the
 * {@link ResourceLeakDetectorFactory} before any buffer class initialises (see {@link LeakDetectionSessionListener}).
 *
 * <p>Thread-safe: leaks are reported on whichever thread allocates next.
 */
public final class LeakRecorder {
    private static final ConcurrentLinkedQueue<String> LEAKS = new ConcurrentLinkedQueue<>();
    private static final List<ResourceLeakDetector<?>> DETECTORS = new CopyOnWriteArrayList<>();
    private static volatile boolean installed;

    private LeakRecorder() {
    }

    /** Installs the recording factory once; later calls do nothing. */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        installed = true;
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
            @Override
            @SuppressWarnings("deprecation")
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                    long maxActive) {
                ResourceLeakDetector<T> detector = new RecordingDetector<>(resource, samplingInterval);
                DETECTORS.add(detector);
                return detector;
            }
        });
    }

    /**
     * Runs the garbage collector and lets every detector poll its queue, so that leaks of objects that are already
     * unreachable get reported now.
     */
    public static void collect() {
        for (int round = 0; round < 2; round++) {
            System.gc();
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            for (ResourceLeakDetector<?> detector : DETECTORS) {
                poll(detector);
            }
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void poll(ResourceLeakDetector detector) {
        // track() reports whatever the collector has enqueued; the tracked probe itself is closed at once.
        Object probe = new Object();
        io.netty.util.ResourceLeakTracker tracker = detector.track(probe);
        if (tracker != null) {
            tracker.close(probe);
        }
    }

    /** Removes and returns the leak reports recorded so far. */
    public static List<String> drain() {
        List<String> leaks = new ArrayList<>();
        for (String leak; (leak = LEAKS.poll()) != null;) {
            leaks.add(leak);
        }
        return leaks;
    }

    /** A detector that records its reports before logging them as usual. */
    private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
        @SuppressWarnings("deprecation")
        RecordingDetector(Class<T> resource, int samplingInterval) {
            super(resource, samplingInterval);
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            LEAKS.add("LEAK: " + resourceType + records);
            super.reportTracedLeak(resourceType, records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            LEAKS.add("LEAK: " + resourceType + " (untraced)");
            super.reportUntracedLeak(resourceType);
        }
    }
}
