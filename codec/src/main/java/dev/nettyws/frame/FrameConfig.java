package dev.nettyws.frame;

import java.util.Objects;

/**
 * The settings of one connection's frame decoder and encoder: role, size limits, allowed RSV bits and UTF-8
 * validation. Immutable; build one with {@link #builder()} or start from {@link #SERVER_DEFAULT} /
 * {@link #CLIENT_DEFAULT} and {@link #toBuilder()}. Every limit is finite by default, because the peer is not
 * trusted.
 *
 * <p>Safe to share between channels and threads. Holds no buffers.
 */
public final class FrameConfig {
    /** Default {@link #maxFramePayloadLength()}: 1 MiB. */
    public static final int DEFAULT_MAX_FRAME_PAYLOAD_LENGTH = 1 << 20;
    /** Default {@link #maxMessageLength()}: 1 MiB. */
    public static final int DEFAULT_MAX_MESSAGE_LENGTH = 1 << 20;
    /**
     * Default {@link #maxFragmentsPerMessage()}: 131,072 (2^17) frames, twice what a 4 MiB message in 64-byte
     * fragments needs (the most fragmented case of the Autobahn test suite).
     */
    public static final int DEFAULT_MAX_FRAGMENTS_PER_MESSAGE = 1 << 17;

    /** Server defaults: masked input required, 1 MiB frames and messages, no RSV bits, UTF-8 validated. */
    public static final FrameConfig SERVER_DEFAULT = builder().role(Role.SERVER).build();
    /** Client defaults: as {@link #SERVER_DEFAULT}, but masking outbound frames with secure random keys. */
    public static final FrameConfig CLIENT_DEFAULT = builder().role(Role.CLIENT).build();

    private final Role role;
    private final int maxFramePayloadLength;
    private final int maxMessageLength;
    private final int maxFragmentsPerMessage;
    private final int allowedRsvBits;
    private final boolean validateUtf8;
    private final MaskingKeySource maskingKeySource;
    private final MemoryBudget memoryBudget;

    private FrameConfig(Builder builder) {
        this.role = builder.role;
        this.maxFramePayloadLength = builder.maxFramePayloadLength;
        this.maxMessageLength = builder.maxMessageLength;
        this.maxFragmentsPerMessage = builder.maxFragmentsPerMessage;
        this.allowedRsvBits = builder.allowedRsvBits;
        this.validateUtf8 = builder.validateUtf8;
        this.maskingKeySource = builder.maskingKeySource;
        this.memoryBudget = builder.memoryBudget;
    }

    /** A builder with the server defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Which end of the connection this is; decides masking. */
    public Role role() {
        return role;
    }

    /** The largest frame payload accepted; a larger one fails the connection with 1009 before it is buffered. */
    public int maxFramePayloadLength() {
        return maxFramePayloadLength;
    }

    /**
     * The largest data message accepted, summed over its fragments; a larger one fails the connection with 1009 as
     * soon as a frame header announces the excess.
     */
    public int maxMessageLength() {
        return maxMessageLength;
    }

    /**
     * The most frames one data message may consist of (its first frame and its continuations, RFC 6455 §5.4); one
     * more fails the connection with 1009 (message too big) as soon as its header arrives. The size limits alone do
     * not bound the work a message causes: empty fragments add nothing to its length, so without this limit a peer
     * could keep a message going with six-byte frames forever, each one an object and a trip down the pipeline.
     */
    public int maxFragmentsPerMessage() {
        return maxFragmentsPerMessage;
    }

    /**
     * The RSV bits a negotiated extension gives meaning to ({@link Frame#RSV1} for permessage-deflate), 0 when no
     * extension is in use. Allowed bits may appear on the first frame of a data message only (RFC 7692 §6); anywhere
     * else, and any bit not allowed, is a protocol error.
     */
    public int allowedRsvBits() {
        return allowedRsvBits;
    }

    /** Whether text messages and close reasons are validated as UTF-8 (1007 on failure). Default true. */
    public boolean validateUtf8() {
        return validateUtf8;
    }

    /** The masking keys of a client's outbound frames; unused by a server. */
    public MaskingKeySource maskingKeySource() {
        return maskingKeySource;
    }

    /**
     * The server-wide (or client-wide) budget for what peers make us buffer: the payload of a frame still arriving,
     * messages being joined, inflated output and compression state; shared by every connection configured with it.
     * Default {@link MemoryBudget#jvmDefault()}. See {@link MemoryBudget} for what is counted and the 1013 close
     * when it is exhausted.
     */
    public MemoryBudget memoryBudget() {
        return memoryBudget;
    }

    @Override
    public String toString() {
        return "FrameConfig(role=" + role + ", maxFramePayloadLength=" + maxFramePayloadLength
            + ", maxMessageLength=" + maxMessageLength + ", maxFragmentsPerMessage=" + maxFragmentsPerMessage
            + ", allowedRsvBits=0x" + Integer.toHexString(allowedRsvBits)
            + ", validateUtf8=" + validateUtf8 + ", memoryBudget=" + memoryBudget.limit() + ')';
    }

    /** Builds a {@link FrameConfig}; checks the values in {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private Role role = Role.SERVER;
        private int maxFramePayloadLength = DEFAULT_MAX_FRAME_PAYLOAD_LENGTH;
        private int maxMessageLength = DEFAULT_MAX_MESSAGE_LENGTH;
        private int maxFragmentsPerMessage = DEFAULT_MAX_FRAGMENTS_PER_MESSAGE;
        private int allowedRsvBits;
        private boolean validateUtf8 = true;
        private MaskingKeySource maskingKeySource = MaskingKeySource.secure();
        private MemoryBudget memoryBudget = MemoryBudget.jvmDefault();

        private Builder() {
        }

        private Builder(FrameConfig config) {
            this.role = config.role;
            this.maxFramePayloadLength = config.maxFramePayloadLength;
            this.maxMessageLength = config.maxMessageLength;
            this.maxFragmentsPerMessage = config.maxFragmentsPerMessage;
            this.allowedRsvBits = config.allowedRsvBits;
            this.validateUtf8 = config.validateUtf8;
            this.maskingKeySource = config.maskingKeySource;
            this.memoryBudget = config.memoryBudget;
        }

        /** See {@link FrameConfig#role()}. */
        public Builder role(Role role) {
            this.role = Objects.requireNonNull(role, "role");
            return this;
        }

        /** See {@link FrameConfig#maxFramePayloadLength()}; 0 to {@link Integer#MAX_VALUE}. */
        public Builder maxFramePayloadLength(int maxFramePayloadLength) {
            this.maxFramePayloadLength = maxFramePayloadLength;
            return this;
        }

        /** See {@link FrameConfig#maxMessageLength()}; at least the frame limit. */
        public Builder maxMessageLength(int maxMessageLength) {
            this.maxMessageLength = maxMessageLength;
            return this;
        }

        /** Sets both the frame and the message limit to {@code max}. */
        public Builder maxLength(int max) {
            return maxFramePayloadLength(max).maxMessageLength(max);
        }

        /** See {@link FrameConfig#maxFragmentsPerMessage()}; at least 1 (1 forbids fragmented messages). */
        public Builder maxFragmentsPerMessage(int maxFragmentsPerMessage) {
            this.maxFragmentsPerMessage = maxFragmentsPerMessage;
            return this;
        }

        /** See {@link FrameConfig#allowedRsvBits()}. */
        public Builder allowedRsvBits(int allowedRsvBits) {
            this.allowedRsvBits = allowedRsvBits;
            return this;
        }

        /** See {@link FrameConfig#validateUtf8()}. */
        public Builder validateUtf8(boolean validateUtf8) {
            this.validateUtf8 = validateUtf8;
            return this;
        }

        /** See {@link FrameConfig#maskingKeySource()}. */
        public Builder maskingKeySource(MaskingKeySource maskingKeySource) {
            this.maskingKeySource = Objects.requireNonNull(maskingKeySource, "maskingKeySource");
            return this;
        }

        /** See {@link FrameConfig#memoryBudget()}; share one between the endpoints of a server. */
        public Builder memoryBudget(MemoryBudget memoryBudget) {
            this.memoryBudget = Objects.requireNonNull(memoryBudget, "memoryBudget");
            return this;
        }

        /**
         * Checks the values and builds the configuration.
         *
         * @throws IllegalArgumentException if a limit is negative, the message limit is below the frame limit, the
         *     fragment limit is below 1, or the RSV mask has bits outside RSV1-RSV3
         */
        public FrameConfig build() {
            if (maxFramePayloadLength < 0) {
                throw new IllegalArgumentException("maxFramePayloadLength must be >= 0: " + maxFramePayloadLength);
            }
            if (maxMessageLength < maxFramePayloadLength) {
                throw new IllegalArgumentException("maxMessageLength (" + maxMessageLength
                    + ") must be >= maxFramePayloadLength (" + maxFramePayloadLength + ')');
            }
            if (maxFragmentsPerMessage < 1) {
                throw new IllegalArgumentException("maxFragmentsPerMessage must be >= 1: " + maxFragmentsPerMessage);
            }
            if ((allowedRsvBits & ~Frame.RSV_MASK) != 0) {
                throw new IllegalArgumentException("allowedRsvBits must combine RSV1, RSV2 and RSV3: 0x"
                    + Integer.toHexString(allowedRsvBits));
            }
            return new FrameConfig(this);
        }
    }
}
