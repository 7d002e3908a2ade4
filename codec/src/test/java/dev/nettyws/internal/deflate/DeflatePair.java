package dev.nettyws.internal.deflate;

import dev.nettyws.extension.deflate.PerMessageDeflateConfig;
import dev.nettyws.frame.Frame;
import dev.nettyws.frame.FrameConfig;
import dev.nettyws.frame.FrameDecoder;
import dev.nettyws.frame.FrameEncoder;
import dev.nettyws.frame.MemoryBudget;
import dev.nettyws.frame.Role;
import dev.nettyws.testsupport.WireFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Deflater;

/**
 * A server and a client channel with the frame codec and the permessage-deflate handlers for agreed parameters, as
 * after a handshake, and the bytes carried between them by hand. Remembers the frames of the last transfer as they
 * were on the wire.
 */
public final class DeflatePair {
    public final EmbeddedChannel server;
    public final EmbeddedChannel client;
    /** The frames of the last transfer as they were on the wire (compressed). */
    public List<WireFrame> wire = List.of();

    public DeflatePair(PerMessageDeflateParameters agreed, PerMessageDeflateConfig serverConfig,
            PerMessageDeflateConfig clientConfig, int maxMessageLength) {
        server = channel(Role.SERVER, agreed, serverConfig, maxMessageLength);
        client = channel(Role.CLIENT, agreed, clientConfig, maxMessageLength);
    }

    public DeflatePair(PerMessageDeflateParameters agreed, PerMessageDeflateConfig config) {
        this(agreed, config, config, FrameConfig.DEFAULT_MAX_MESSAGE_LENGTH);
    }

    public static EmbeddedChannel channel(Role role, PerMessageDeflateParameters agreed,
            PerMessageDeflateConfig config,
            int maxMessageLength) {
        return channel(role, agreed, config, maxMessageLength, MemoryBudget.jvmDefault());
    }

    /** A channel as after a handshake that agreed {@code agreed}, its buffers and zlib state counted in budget. */
    public static EmbeddedChannel channel(Role role, PerMessageDeflateParameters agreed,
            PerMessageDeflateConfig config,
            int maxMessageLength, MemoryBudget budget) {
        FrameConfig frames = FrameConfig.builder().role(role).maxLength(maxMessageLength).memoryBudget(budget)
            .build();
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.pipeline().addLast("encoder", new FrameEncoder(frames));
        ch.pipeline().addLast("decoder", new FrameDecoder(frames));
        PerMessageDeflateServerNegotiator.install(ch.pipeline(), "decoder", agreed, role, config, frames);
        return ch;
    }

    /** Writes the frames into the client, carries the bytes to the server, and returns what the server read. */
    public List<Frame> clientToServer(Frame... frames) {
        return carry(client, server, frames);
    }

    /**
     * Writes the frames (or bytes encoded in advance) into the server, carries the bytes to the client, and returns
     * what the client read.
     */
    public List<Frame> serverToClient(Object... messages) {
        return carry(server, client, messages);
    }

    private List<Frame> carry(EmbeddedChannel from, EmbeddedChannel to, Object... messages) {
        for (Object message : messages) {
            from.write(message);
        }
        from.flush();
        ByteBuf bytes = Unpooled.buffer();
        for (Object out; (out = from.readOutbound()) != null;) {
            ByteBuf buf = (ByteBuf) out;
            bytes.writeBytes(buf);
            buf.release();
        }
        ByteBuf copy = bytes.copy();
        try {
            wire = WireFrame.readAll(copy);
        } finally {
            copy.release();
        }
        to.writeInbound(bytes);
        List<Frame> read = new ArrayList<>();
        for (Object in; (in = to.readInbound()) != null;) {
            read.add((Frame) in);
        }
        return read;
    }

    /** Finishes both channels; true if anything was left over. */
    public boolean finish() {
        boolean serverLeft = server.finishAndReleaseAll();
        boolean clientLeft = client.finishAndReleaseAll();
        return serverLeft || clientLeft;
    }

    /** Raw DEFLATE with a sync flush and without its 00 00 ff ff tail, as a permessage-deflate sender makes it. */
    public static byte[] compress(byte[] data) {
        Deflater deflater = new Deflater(9, true);
        try {
            deflater.setInput(data);
            byte[] out = new byte[data.length / 100 + 1024];
            int length = 0;
            while (true) {
                int n = deflater.deflate(out, length, out.length - length, Deflater.SYNC_FLUSH);
                length += n;
                if (length < out.length) {
                    break;
                }
                out = Arrays.copyOf(out, out.length * 2);
            }
            return Arrays.copyOf(out, length - 4);
        } finally {
            deflater.end();
        }
    }
}
