package dev.nettyws.frame;

import io.netty.util.concurrent.FastThreadLocal;
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
        private static final int BATCH_BYTES = 4096;
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

        /** One thread's keys: the next {@value #BATCH_BYTES} bytes of its keystream, refilled when used up. */
        private static final class Batch {
            private final SecureRandom seeds = strongRandom();
            private final byte[] zeros = new byte[BATCH_BYTES];
            private final byte[] bytes = new byte[BATCH_BYTES];
            private Cipher keystream;
            private int batchesLeft;
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
                    refill();
                }
                int key = (bytes[position] & 0xFF) << 24 | (bytes[position + 1] & 0xFF) << 16
                    | (bytes[position + 2] & 0xFF) << 8 | bytes[position + 3] & 0xFF;
                position += 4;
                return key;
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
                    keystream.update(zeros, 0, BATCH_BYTES, bytes, 0);
                    batchesLeft--;
                } catch (GeneralSecurityException e) {
                    // AES/CTR is one of the ciphers every Java platform must provide; fall back to the DRBG anyway.
                    seeds.nextBytes(bytes);
                }
                position = 0;
            }
        }
    }
}
