package dev.nettyws.extension.deflate;

import dev.nettyws.frame.Frame;
import dev.nettyws.frame.FrameConfig;
import dev.nettyws.frame.FrameDecoder;
import dev.nettyws.frame.FrameEncoder;
import dev.nettyws.frame.Role;
import dev.nettyws.internal.deflate.PerMessageDeflateParameters;
import dev.nettyws.internal.deflate.PerMessageDeflateServerNegotiator;
import dev.nettyws.testsupport.WireFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * A server and a client channel with the frame codec and the permessage-deflate handlers for agreed parameters, as
 * after a handshake, and the bytes carried between them by hand. Remembers the frames of the last transfer as they
 * were on the wire.
 */
final class DeflatePair {
    final EmbeddedChannel server;
    final EmbeddedChannel client;
    /** The frames of the last transfer as they were on the wire (compressed). */
    List<WireFrame> wire = List.of();

    DeflatePair(PerMessageDeflateParameters agreed, PerMessageDeflateConfig serverConfig,
            PerMessageDeflateConfig clientConfig, int maxMessageLength) {
        server = channel(Role.SERVER, agreed, serverConfig, maxMessageLength);
        client = channel(Role.CLIENT, agreed, clientConfig, maxMessageLength);
    }

    DeflatePair(PerMessageDeflateParameters agreed, PerMessageDeflateConfig config) {
        this(agreed, config, config, FrameConfig.DEFAULT_MAX_MESSAGE_LENGTH);
    }

    static EmbeddedChannel channel(Role role, PerMessageDeflateParameters agreed, PerMessageDeflateConfig config,
            int maxMessageLength) {
        FrameConfig frames = FrameConfig.builder().role(role).maxLength(maxMessageLength).build();
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.pipeline().addLast("encoder", new FrameEncoder(frames));
        ch.pipeline().addLast("decoder", new FrameDecoder(frames));
        PerMessageDeflateServerNegotiator.install(ch.pipeline(), "decoder", agreed, role, config, frames);
        return ch;
    }

    /** Writes the frames into the client, carries the bytes to the server, and returns what the server read. */
    List<Frame> clientToServer(Frame... frames) {
        return carry(client, server, frames);
    }

    /**
     * Writes the frames (or bytes encoded in advance) into the server, carries the bytes to the client, and returns
     * what the client read.
     */
    List<Frame> serverToClient(Object... messages) {
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
    boolean finish() {
        boolean serverLeft = server.finishAndReleaseAll();
        boolean clientLeft = client.finishAndReleaseAll();
        return serverLeft || clientLeft;
    }
}
