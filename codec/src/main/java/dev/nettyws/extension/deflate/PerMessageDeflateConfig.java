package dev.nettyws.extension.deflate;

/**
 * What one endpoint wants from permessage-deflate (RFC 7692): the four negotiation parameters of §7, named after
 * the RFC's server/client sides, plus local choices the peer never sees (compression level, the size below which
 * messages go uncompressed). Immutable; build one with {@link #builder()} or use {@link #DEFAULT}.
 *
 * <p>How the parameters are used depends on the side:
 * <ul>
 *   <li><b>Server</b> ({@code WebSocketServerConfig.compression}): {@link #serverNoContextTakeover()} and
 *       {@link #clientNoContextTakeover()} are added to every accepted response (§7.1.1.1, §7.1.1.2 allow that
 *       unasked); {@link #serverMaxWindowBits()} below 15 caps our compression window, and
 *       {@link #clientMaxWindowBits()} below 15 caps the client's when its offer allows it (§7.1.2.2). What the
 *       client's offer asks for is always granted on top.</li>
 *   <li><b>Client</b> ({@code WebSocketClientConfig.compression}): each parameter that differs from the default is
 *       put into the offer ({@code client_max_window_bits} is always offered, without a value at 15, so that the
 *       server may limit it).</li>
 * </ul>
 *
 * <p>Safe to share between channels and threads. Holds no buffers.
 */
public final class PerMessageDeflateConfig {
    /** The largest window, 2^15 bytes, and the default of both window parameters. */
    public static final int MAX_WINDOW_BITS = 15;
    /** The smallest window RFC 7692 allows, 2^8 bytes (§7.1.2.1). */
    public static final int MIN_WINDOW_BITS = 8;
    /** Default {@link #compressionLevel()}: 6, zlib's default balance of speed and size. */
    public static final int DEFAULT_COMPRESSION_LEVEL = 6;
    /**
     * Default {@link #compressionThreshold()}: 64 bytes. Measured on chat JSON cut short (DeflateBenchmark, README):
     * without context takeover, messages of 32 bytes do not shrink at all and 48 to 64 bytes shrink by 6-8%; with it
     * they shrink a lot, but by fewer bytes than the TCP/IP and frame headers every message costs anyway, for a
     * deflate call (several microseconds) each. From 64 bytes on, compression saves 30-85%.
     */
    public static final int DEFAULT_COMPRESSION_THRESHOLD = 64;

    /**
     * The most bytes {@code length} bytes may take compressed: zlib's worst case for any settings ({@code deflateBound}
     * without a wrapper: an eighth plus a sixty-fourth more), plus room for block headers and flushes. A peer's frame
     * limits are widened to it on a connection with permessage-deflate, and outbound limits are sized with it.
     */
    public static long maxCompressedLength(long length) {
        return length + (length >> 3) + (length >> 6) + 64;
    }

    /** Full windows, context takeover on both sides, level 6, messages from 64 bytes on compressed. */
    public static final PerMessageDeflateConfig DEFAULT = builder().build();

    private final boolean serverNoContextTakeover;
    private final boolean clientNoContextTakeover;
    private final int serverMaxWindowBits;
    private final int clientMaxWindowBits;
    private final int compressionLevel;
    private final int compressionThreshold;

    private PerMessageDeflateConfig(Builder builder) {
        this.serverNoContextTakeover = builder.serverNoContextTakeover;
        this.clientNoContextTakeover = builder.clientNoContextTakeover;
        this.serverMaxWindowBits = builder.serverMaxWindowBits;
        this.clientMaxWindowBits = builder.clientMaxWindowBits;
        this.compressionLevel = builder.compressionLevel;
        this.compressionThreshold = builder.compressionThreshold;
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Whether the server resets its compression context after every message (§7.1.1.1): less memory per connection
     * (no compressor is kept between messages), worse compression of similar messages. Default false.
     */
    public boolean serverNoContextTakeover() {
        return serverNoContextTakeover;
    }

    /** Whether the client resets its compression context after every message (§7.1.1.2). Default false. */
    public boolean clientNoContextTakeover() {
        return clientNoContextTakeover;
    }

    /** The largest LZ77 window the server compresses with, as a power of two, 8 to 15 (§7.1.2.1). Default 15. */
    public int serverMaxWindowBits() {
        return serverMaxWindowBits;
    }

    /** The largest LZ77 window the client compresses with, 8 to 15 (§7.1.2.2). Default 15. */
    public int clientMaxWindowBits() {
        return clientMaxWindowBits;
    }

    /** The DEFLATE compression level of this endpoint, 1 (fastest) to 9 (smallest). Default 6. */
    public int compressionLevel() {
        return compressionLevel;
    }

    /**
     * Unfragmented messages shorter than this many bytes are sent uncompressed (RSV1 clear); 0 compresses every
     * message. Fragmented messages are always compressed, as their length is not known when the first fragment
     * goes out. Default {@value #DEFAULT_COMPRESSION_THRESHOLD}.
     */
    public int compressionThreshold() {
        return compressionThreshold;
    }

    @Override
    public String toString() {
        return "PerMessageDeflateConfig(serverNoContextTakeover=" + serverNoContextTakeover
            + ", clientNoContextTakeover=" + clientNoContextTakeover + ", serverMaxWindowBits=" + serverMaxWindowBits
            + ", clientMaxWindowBits=" + clientMaxWindowBits + ", compressionLevel=" + compressionLevel
            + ", compressionThreshold=" + compressionThreshold + ')';
    }

    /** Builds a {@link PerMessageDeflateConfig}; checks the values in {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private boolean serverNoContextTakeover;
        private boolean clientNoContextTakeover;
        private int serverMaxWindowBits = MAX_WINDOW_BITS;
        private int clientMaxWindowBits = MAX_WINDOW_BITS;
        private int compressionLevel = DEFAULT_COMPRESSION_LEVEL;
        private int compressionThreshold = DEFAULT_COMPRESSION_THRESHOLD;

        private Builder() {
        }

        private Builder(PerMessageDeflateConfig config) {
            this.serverNoContextTakeover = config.serverNoContextTakeover;
            this.clientNoContextTakeover = config.clientNoContextTakeover;
            this.serverMaxWindowBits = config.serverMaxWindowBits;
            this.clientMaxWindowBits = config.clientMaxWindowBits;
            this.compressionLevel = config.compressionLevel;
            this.compressionThreshold = config.compressionThreshold;
        }

        /** See {@link PerMessageDeflateConfig#serverNoContextTakeover()}. */
        public Builder serverNoContextTakeover(boolean serverNoContextTakeover) {
            this.serverNoContextTakeover = serverNoContextTakeover;
            return this;
        }

        /** See {@link PerMessageDeflateConfig#clientNoContextTakeover()}. */
        public Builder clientNoContextTakeover(boolean clientNoContextTakeover) {
            this.clientNoContextTakeover = clientNoContextTakeover;
            return this;
        }

        /** See {@link PerMessageDeflateConfig#serverMaxWindowBits()}. */
        public Builder serverMaxWindowBits(int serverMaxWindowBits) {
            this.serverMaxWindowBits = serverMaxWindowBits;
            return this;
        }

        /** See {@link PerMessageDeflateConfig#clientMaxWindowBits()}. */
        public Builder clientMaxWindowBits(int clientMaxWindowBits) {
            this.clientMaxWindowBits = clientMaxWindowBits;
            return this;
        }

        /** See {@link PerMessageDeflateConfig#compressionLevel()}. */
        public Builder compressionLevel(int compressionLevel) {
            this.compressionLevel = compressionLevel;
            return this;
        }

        /** See {@link PerMessageDeflateConfig#compressionThreshold()}. */
        public Builder compressionThreshold(int compressionThreshold) {
            this.compressionThreshold = compressionThreshold;
            return this;
        }

        /**
         * Checks the values and builds the configuration.
         *
         * @throws IllegalArgumentException if a window is outside 8-15, the level outside 1-9, or the threshold
         *     negative
         */
        public PerMessageDeflateConfig build() {
            checkWindowBits("serverMaxWindowBits", serverMaxWindowBits);
            checkWindowBits("clientMaxWindowBits", clientMaxWindowBits);
            if (compressionLevel < 1 || compressionLevel > 9) {
                throw new IllegalArgumentException("compressionLevel must be 1 to 9: " + compressionLevel);
            }
            if (compressionThreshold < 0) {
                throw new IllegalArgumentException("compressionThreshold must be >= 0: " + compressionThreshold);
            }
            return new PerMessageDeflateConfig(this);
        }

        private static void checkWindowBits(String name, int bits) {
            if (bits < MIN_WINDOW_BITS || bits > MAX_WINDOW_BITS) {
                throw new IllegalArgumentException(name + " must be 8 to 15: " + bits);
            }
        }
    }
}
