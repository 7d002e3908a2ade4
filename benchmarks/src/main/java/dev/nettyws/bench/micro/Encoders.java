package dev.nettyws.bench.micro;

import dev.nettyws.frame.BinaryFrame;
import dev.nettyws.frame.FrameConfig;
import dev.nettyws.frame.FrameEncoder;
import dev.nettyws.frame.MaskingKeySource;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;

/**
 * Frame encoding pipelines for both implementations, and the one way a frame is written to either.
 *
 * <ul>
 *   <li>Ours: {@code sink - FrameEncoder}, server role (unmasked) or client role (masked with keys from
 *       {@link MaskingKeySource#secure()}, the default, unless a fixed key is asked for).</li>
 *   <li>Netty: {@code sink - WebSocket13FrameEncoder(mask)}, masking with its default random keys
 *       ({@code ThreadLocalRandom}) unless a fixed key is asked for.</li>
 * </ul>
 *
 * <p>{@link #write} wraps a {@link ByteBuf#retainedDuplicate() retained duplicate} of one payload buffer (direct,
 * from the channel's allocator, filled once) in the implementation's binary frame and writes it through the
 * pipeline with the void promise and flushed, as an application writing the same message repeatedly would.
 * The channel is reused across invocations. The {@link OutboundSink} stands in for the transport and releases what
 * it gets: either one buffer holding header and payload, or a header buffer followed by the payload itself.
 *
 * <p>Everything runs on the calling thread (an {@link EmbeddedChannel}); not thread-safe.
 */
public final class Encoders {
    private Encoders() {
    }

    /**
     * An encoding pipeline writing into {@code sink}.
     *
     * @param impl which implementation
     * @param masked whether frames are masked (client role) or not (server role)
     * @param fixedKey a masking key to use for every masked frame (tests), or null for each implementation's default
     * @param sink receives (and releases) the encoded bytes
     * @return an active channel; the caller closes it with {@code finishAndReleaseAll()}
     */
    public static EmbeddedChannel channel(Impl impl, boolean masked, Integer fixedKey, OutboundSink sink) {
        EmbeddedChannel channel = new EmbeddedChannel();
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast(sink);
        if (impl == Impl.OURS) {
            FrameConfig.Builder config = (masked ? FrameConfig.CLIENT_DEFAULT : FrameConfig.SERVER_DEFAULT)
                .toBuilder();
            if (fixedKey != null) {
                int key = fixedKey;
                config.maskingKeySource(() -> key);
            }
            pipeline.addLast(new FrameEncoder(config.build()));
        } else if (masked && fixedKey != null) {
            // Netty's encoder masks whenever it is given a key generator.
            int key = fixedKey;
            pipeline.addLast(new WebSocket13FrameEncoder(() -> key));
        } else {
            pipeline.addLast(new WebSocket13FrameEncoder(masked));
        }
        return channel;
    }

    /**
     * A direct payload buffer from the channel's allocator holding {@code bytes}.
     *
     * @param channel where the buffer is allocated
     * @param bytes the payload
     * @return a buffer owned by the caller
     */
    public static ByteBuf payload(EmbeddedChannel channel, byte[] bytes) {
        return channel.alloc().directBuffer(bytes.length).writeBytes(bytes);
    }

    /**
     * Writes one final binary frame carrying a retained duplicate of {@code payload}.
     *
     * @param impl the implementation {@code channel} was built for
     * @param channel a channel from {@link #channel}
     * @param payload the payload; its reference count is unchanged once the sink has released the frame
     */
    public static void write(Impl impl, EmbeddedChannel channel, ByteBuf payload) {
        Object frame = impl == Impl.OURS ? new BinaryFrame(payload.retainedDuplicate())
            : new BinaryWebSocketFrame(payload.retainedDuplicate());
        // Flushed per frame: our encoder gathers small void-promise writes until a flush, so without one it would
        // hand one buffer to many frames, and the operation would no longer be one frame in, one buffer out.
        channel.pipeline().writeAndFlush(frame, channel.voidPromise());
    }
}
