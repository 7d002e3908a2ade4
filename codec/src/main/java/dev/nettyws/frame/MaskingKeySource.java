package dev.nettyws.frame;

import io.netty.util.concurrent.FastThreadLocal;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Random;

/**
 * Where a client's frame encoder gets its masking keys. RFC 6455 §5.3 and §10.3 require a fresh key per frame that
 * a server or intermediary cannot predict, "derived from a strong source of entropy": {@link #secure()} is that
 * source and the default. {@link #seeded(long)} exists for reproducible tests only.
 *
 * <p>Called by the encoder on its channel's event loop; implementations must be safe to share between channels
 * and threads. Holds no buffers.
 */
@FunctionalInterface
public interface MaskingKeySource {
    /** The next 32-bit masking key, in the byte order it is written on the wire (big-endian). */
    int nextKey();

    /**
     * Keys from a {@link SecureRandom}, drawn in batches per thread so that a frame does not pay for a call into
     * the entropy source.
     */
    static MaskingKeySource secure() {
        return SecureKeys.INSTANCE;
    }

    /**
     * Predictable keys from {@link Random} with a seed. Never use outside tests: a predictable key lets a
     * malicious page poison intermediaries (§10.3).
     *
     * @param seed the seed
     * @return a source that is not thread-safe beyond what {@link Random} guarantees
     */
    static MaskingKeySource seeded(long seed) {
        Random random = new Random(seed);
        return random::nextInt;
    }

    /** Batches of {@link SecureRandom} output per thread. */
    final class SecureKeys implements MaskingKeySource {
        static final SecureKeys INSTANCE = new SecureKeys();
        private static final int BATCH_BYTES = 4096;

        private final FastThreadLocal<Batch> batches = new FastThreadLocal<>() {
            @Override
            protected Batch initialValue() {
                return new Batch();
            }
        };

        private SecureKeys() {
        }

        @Override
        public int nextKey() {
            return batches.get().next();
        }

        /**
         * One thread's keys: refilled from its own SecureRandom when used up. The JDK's DRBG (NIST SP 800-90A,
         * seeded from the system's entropy) generates in Java, where the default NativePRNG reads /dev/urandom on
         * every refill; 1024 keys per refill make the refill's cost per frame negligible either way.
         */
        private static final class Batch {
            private final SecureRandom random = strongRandom();
            private final byte[] bytes = new byte[BATCH_BYTES];
            private int position = BATCH_BYTES;

            private static SecureRandom strongRandom() {
                try {
                    return SecureRandom.getInstance("DRBG");
                } catch (NoSuchAlgorithmException e) {
                    return new SecureRandom();
                }
            }

            int next() {
                if (position == BATCH_BYTES) {
                    random.nextBytes(bytes);
                    position = 0;
                }
                int key = (bytes[position] & 0xFF) << 24 | (bytes[position + 1] & 0xFF) << 16
                    | (bytes[position + 2] & 0xFF) << 8 | bytes[position + 3] & 0xFF;
                position += 4;
                return key;
            }
        }
    }
}
