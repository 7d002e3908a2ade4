package dev.nettyws.testkit;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The code and reason of a close frame the pipeline sent (RFC 6455 §5.5.1). Immutable; holds no buffers (the reason
 * is a copy).
 *
 * @param code the status code, or {@link #NO_CODE} when the frame had no body
 * @param reason the reason, empty when there was none
 */
public record CloseReceived(int code, String reason) {
    /** The code of a close frame without a body. */
    public static final int NO_CODE = -1;

    static CloseReceived of(ReceivedFrame frame) {
        byte[] body = frame.payload();
        if (body.length == 0) {
            return new CloseReceived(NO_CODE, "");
        }
        if (body.length == 1) {
            throw new AssertionError("close frame with a one-byte body (RFC 6455 §5.5.1)");
        }
        int code = (body[0] & 0xff) << 8 | body[1] & 0xff;
        try {
            String reason = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(body, 2, body.length - 2)).toString();
            return new CloseReceived(code, reason);
        } catch (CharacterCodingException e) {
            throw new AssertionError("close frame whose reason is not UTF-8 (RFC 6455 §5.5.1)", e);
        }
    }

    @Override
    public String toString() {
        return code == NO_CODE ? "close without code"
            : "close " + code + (reason.isEmpty() ? "" : " \"" + reason + '"');
    }
}
