package dev.nettyws.bench.micro;

/** The two sides of every comparison. */
public enum Impl {
    /** nettyws: {@code dev.nettyws.frame} and {@code dev.nettyws.handshake}. */
    OURS,
    /** Netty's built-in {@code io.netty.handler.codec.http.websocketx}, the baseline. */
    NETTY
}
