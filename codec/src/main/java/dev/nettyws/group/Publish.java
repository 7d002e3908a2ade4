package dev.nettyws.group;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

/**
 * One published message, queued for every event loop of the group: the encoded bytes, holding one reference per
 * event loop (each releases its own after writing them), and the member left out.
 */
final class Publish {
    final ByteBuf frames;
    final Channel except;

    Publish(ByteBuf frames, Channel except) {
        this.frames = frames;
        this.except = except;
    }
}
