package dev.nettyws.internal;

import io.netty.util.AsciiString;

/**
 * Names of the response headers the handshake writes, in their conventional capitalisation. Names are
 * case-insensitive (RFC 9110 §5.1), but some WebSocket clients compare them as written in RFC 6455.
 */
public final class HeaderNames {
    public static final AsciiString ALLOW = AsciiString.cached("Allow");
    public static final AsciiString CONNECTION = AsciiString.cached("Connection");
    public static final AsciiString CONTENT_LENGTH = AsciiString.cached("Content-Length");
    public static final AsciiString CONTENT_TYPE = AsciiString.cached("Content-Type");
    public static final AsciiString SEC_WEBSOCKET_ACCEPT = AsciiString.cached("Sec-WebSocket-Accept");
    public static final AsciiString SEC_WEBSOCKET_EXTENSIONS = AsciiString.cached("Sec-WebSocket-Extensions");
    public static final AsciiString SEC_WEBSOCKET_PROTOCOL = AsciiString.cached("Sec-WebSocket-Protocol");
    public static final AsciiString SEC_WEBSOCKET_VERSION = AsciiString.cached("Sec-WebSocket-Version");
    public static final AsciiString UPGRADE = AsciiString.cached("Upgrade");

    private HeaderNames() {
    }
}
