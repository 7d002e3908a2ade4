package dev.nettyws.frame;

import io.netty.util.concurrent.FastThreadLocal;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

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
     * Fills {@code keys} with the next keys, as many calls of {@link #nextKey()} would. An encoder draws its keys a
     * few at a time through this, so that a source kept per thread is looked up once per batch, not per frame.
     *
     * @param keys filled from index 0 to its end
     */
    default void nextKeys(int[] keys) {
        for (int i = 0; i < keys.length; i++) {
            keys[i] = nextKey();
        }
    }

    /**
     * Unpredictable keys: per thread, an AES-256 counter-mode keystream keyed from a {@link SecureRandom} (the
     * JDK's DRBG) and rekeyed from it regularly, drawn in batches so that a frame does not pay for a call into
     * either.
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

    /**
     * Keys per thread from an AES-256 counter-mode keystream under a key drawn from a {@link SecureRandom}: the
     * construction of NIST SP 800-90A's CTR_DRBG, rekeyed from the strong source after every
     * {@value #REKEY_AFTER_BATCHES} batches. The JDK's own DRBG (Hash_DRBG, one SHA-256 per 32 bytes) cost 12 ns per
     * key here, an eighth of encoding a 16-byte frame; AES-CTR with the processor's AES instructions costs under
     * 1 ns, and its output is as unpredictable to a server or a page as the DRBG's (§10.3).
     */
    final class SecureKeys implements MaskingKeySource {
        static final SecureKeys INSTANCE = new SecureKeys();
        private static final int BATCH_KEYS = 1024;
        /** 64 MiB of keystream (16 M keys) per AES key. */
        private static final int REKEY_AFTER_BATCHES = 16 * 1024;

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

        @Override
        public void nextKeys(int[] keys) {
            batches.get().next(keys);
        }

        /** One thread's keys: the next 1024 keys of its keystream, refilled when used up. */
        private static final class Batch {
            private final SecureRandom seeds = strongRandom();
            private final byte[] zeros = new byte[BATCH_KEYS * 4];
            private final byte[] bytes = new byte[BATCH_KEYS * 4];
            private final int[] keys = new int[BATCH_KEYS];
            private Cipher keystream;
            private int batchesLeft;
            private int position = BATCH_KEYS;

            private static SecureRandom strongRandom() {
                try {
                    return SecureRandom.getInstance("DRBG");
                } catch (NoSuchAlgorithmException e) {
                    return new SecureRandom();
                }
            }

            int next() {
                if (position == BATCH_KEYS) {
                    refill();
                }
                return keys[position++];
            }

            void next(int[] into) {
                int filled = 0;
                while (filled < into.length) {
                    if (position == BATCH_KEYS) {
                        refill();
                    }
                    int count = Math.min(into.length - filled, BATCH_KEYS - position);
                    System.arraycopy(keys, position, into, filled, count);
                    position += count;
                    filled += count;
                }
            }

            private void refill() {
                try {
                    if (batchesLeft == 0) {
                        byte[] key = new byte[32];
                        byte[] counter = new byte[16];
                        seeds.nextBytes(key);
                        seeds.nextBytes(counter);
                        keystream = Cipher.getInstance("AES/CTR/NoPadding");
                        keystream.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"),
                            new IvParameterSpec(counter));
                        batchesLeft = REKEY_AFTER_BATCHES;
                    }
                    if (keystream.update(zeros, 0, bytes.length, bytes, 0) != bytes.length) {
                        // A provider that holds output back would leave last batch's keys (already on the wire,
                        // so predictable) in part of the array: draw this batch from the strong source instead.
                        seeds.nextBytes(bytes);
                    }
                    batchesLeft--;
                } catch (GeneralSecurityException e) {
                    // AES/CTR is one of the ciphers every Java platform must provide; fall back to the DRBG anyway.
                    seeds.nextBytes(bytes);
                }
                // Big-endian, as keys are written on the wire.
                ByteBuffer.wrap(bytes).asIntBuffer().get(keys);
                position = 0;
            }
        }
    }
}
