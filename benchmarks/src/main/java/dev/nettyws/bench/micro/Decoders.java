package dev.nettyws.bench.micro;

import dev.nettyws.frame.FrameConfig;
import dev.nettyws.frame.FrameDecoder;
import dev.nettyws.frame.FrameEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;

/**
 * Server-side frame decoding pipelines for both implementations, built the way each is deployed, and the one way
 * input is fed to either.
 *
 * <ul>
 *   <li>Ours: {@code FrameEncoder - FrameDecoder - sink}, server role, UTF-8 validation on (the default).</li>
 *   <li>Netty: {@code WebSocket13FrameEncoder - WebSocket13FrameDecoder - Utf8FrameValidator - sink}, masked frames
 *       expected, no extensions, close on protocol violation: what {@code WebSocketServerProtocolHandler} installs
 *       by default. Its UTF-8 check lives in the separate validator handler; ours is inside the decoder.</li>
 * </ul>
 *
 * <p>Both allow frames of up to 2 MiB. The encoder in front of each decoder only matters for the close frame a
 * decoder sends on a violation, which never happens in a benchmark.
 *
 * <p>{@link #feed} is what a socket read does: it copies the wire bytes into a new buffer from the channel's
 * allocator (direct, as the transport's reads are) and fires {@code channelRead} and {@code channelReadComplete}
 * through the pipeline. The channel is reused across invocations. Our decoder unmasks the input in place and hands
 * out slices of it; Netty's copies each payload into a new buffer. The sink releases every frame.
 *
 * <p>Everything runs on the calling thread (an {@link EmbeddedChannel}); not thread-safe.
 */
public final class Decoders {
    /** The frame size limit both decoders are configured with. */
    public static final int MAX_FRAME = 2 * 1024 * 1024;

    private Decoders() {
    }

    /**
     * A server-role decoding pipeline ending in {@code sink}.
     *
     * @param impl which implementation
     * @param sink receives the frames: releases them, or writes them back (an echo)
     * @return an active channel; the caller closes it with {@code finishAndReleaseAll()}
     */
    public static EmbeddedChannel channel(Impl impl, ChannelHandler sink) {
        EmbeddedChannel channel = new EmbeddedChannel();
        ChannelPipeline pipeline = channel.pipeline();
        if (impl == Impl.OURS) {
            FrameConfig config = FrameConfig.SERVER_DEFAULT.toBuilder()
                .maxFramePayloadLength(MAX_FRAME)
                .maxMessageLength(MAX_FRAME)
                .build();
            pipeline.addLast(new FrameEncoder(config), new FrameDecoder(config));
        } else {
            WebSocketDecoderConfig config = WebSocketDecoderConfig.newBuilder()
                .expectMaskedFrames(true)
                .allowExtensions(false)
                .maxFramePayloadLength(MAX_FRAME)
                .closeOnProtocolViolation(true)
                .build();
            pipeline.addLast(new WebSocket13FrameEncoder(false), new WebSocket13FrameDecoder(config),
                new Utf8FrameValidator(true));
        }
        pipeline.addLast(sink);
        return channel;
    }

    /**
     * Delivers {@code wire} to the pipeline as one read.
     *
     * @param channel a channel from {@link #channel}
     * @param wire the bytes received
     */
    public static void feed(EmbeddedChannel channel, byte[] wire) {
        ByteBuf in = channel.alloc().directBuffer(wire.length).writeBytes(wire);
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.fireChannelRead(in);
        pipeline.fireChannelReadComplete();
        channel.checkException();
    }
}
