package dev.nettyws.testsupport;

import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test when Netty reported a buffer leak while it ran (or while the test before it ran, if the leaked
 * buffer only became unreachable later). Registered for every test through JUnit's extension auto-detection
 * ({@code junit-platform.properties}), so no test can opt out.
 */
public final class LeakDetectionExtension implements AfterEachCallback {
    static {
        LeakRecorder.install();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        LeakRecorder.collect();
        List<String> leaks = LeakRecorder.drain();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " buffer leak(s) reported by Netty's paranoid leak detector"
                + " during or before " + context.getDisplayName() + ":\n" + String.join("\n", leaks));
        }
    }
}
