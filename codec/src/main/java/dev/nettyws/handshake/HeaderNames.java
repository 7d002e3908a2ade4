package dev.nettyws.handshake;

import io.netty.util.AsciiString;

/**
 * Names of the response headers the handshake writes, in their conventional capitalisation. Names are
 * case-insensitive (RFC 9110 §5.1), but some WebSocket clients compare them as written in RFC 6455.
 */
final class HeaderNames {
    static final AsciiString ALLOW = AsciiString.cached("Allow");
    static final AsciiString CONNECTION = AsciiString.cached("Connection");
    static final AsciiString CONTENT_LENGTH = AsciiString.cached("Content-Length");
    static final AsciiString CONTENT_TYPE = AsciiString.cached("Content-Type");
    static final AsciiString SEC_WEBSOCKET_ACCEPT = AsciiString.cached("Sec-WebSocket-Accept");
    static final AsciiString SEC_WEBSOCKET_EXTENSIONS = AsciiString.cached("Sec-WebSocket-Extensions");
    static final AsciiString SEC_WEBSOCKET_PROTOCOL = AsciiString.cached("Sec-WebSocket-Protocol");
    static final AsciiString SEC_WEBSOCKET_VERSION = AsciiString.cached("Sec-WebSocket-Version");
    static final AsciiString UPGRADE = AsciiString.cached("Upgrade");

    private HeaderNames() {
    }
}
