package dev.nettyws.internal;

import io.netty.util.concurrent.FastThreadLocal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The key half of the opening handshake (RFC 6455 §1.3, §4.2.2): the {@code Sec-WebSocket-Accept} value a server
 * derives from the client's {@code Sec-WebSocket-Key}, and the check that a key is well formed (§4.1: a random
 * 16-byte value, base64-encoded). A client computes the same value to verify the server's answer (§4.1).
 *
 * <p>Stateless and thread-safe. Each thread reuses one SHA-1 {@link MessageDigest}, so computing a value allocates
 * only the input and the result.
 */
public final class WebSocketAccept {
    /** The GUID of RFC 6455 §1.3, appended to the key before hashing. */
    public static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private static final byte[] GUID_BYTES = GUID.getBytes(StandardCharsets.US_ASCII);
    /** Base64 of 16 bytes: 22 significant characters and two padding characters. */
    private static final int KEY_LENGTH = 24;

    private static final FastThreadLocal<MessageDigest> SHA1 = new FastThreadLocal<MessageDigest>() {
        @Override
        protected MessageDigest initialValue() {
            try {
                return MessageDigest.getInstance("SHA-1");
            } catch (NoSuchAlgorithmException e) {
                // Every Java platform is required to provide SHA-1 (MessageDigest Javadoc).
                throw new IllegalStateException("SHA-1 is not available", e);
            }
        }
    };

    private WebSocketAccept() {
    }

    /**
     * Computes {@code base64(SHA-1(key + GUID))}, the value of {@code Sec-WebSocket-Accept} (RFC 6455 §4.2.2 step
     * 5.4). The key is used exactly as sent, without trimming or decoding.
     *
     * @param key the {@code Sec-WebSocket-Key} value; its characters must be ASCII (base64)
     * @return the accept value, 28 characters
     * @throws IllegalArgumentException if the key has a character outside ASCII
     */
    public static String of(String key) {
        int length = key.length();
        byte[] input = new byte[length + GUID_BYTES.length];
        for (int i = 0; i < length; i++) {
            char c = key.charAt(i);
            if (c > 0x7F) {
                throw new IllegalArgumentException("Sec-WebSocket-Key must be ASCII");
            }
            input[i] = (byte) c;
        }
        System.arraycopy(GUID_BYTES, 0, input, length, GUID_BYTES.length);
        // digest() resets the digest, so the thread's instance is ready for the next call.
        return Base64.getEncoder().encodeToString(SHA1.get().digest(input));
    }

    /**
     * Whether {@code key} is a valid {@code Sec-WebSocket-Key} (RFC 6455 §4.1, §4.2.1 item 5): base64 (RFC 4648
     * §4, with padding) that decodes to exactly 16 bytes, that is 22 base64 characters followed by {@code "=="}.
     * Bits left over in the last character are not checked, as a decoder ignores them.
     *
     * @param key the header value, or null
     * @return whether the key is well formed
     */
    public static boolean isValidKey(String key) {
        if (key == null || key.length() != KEY_LENGTH || key.charAt(22) != '=' || key.charAt(23) != '=') {
            return false;
        }
        for (int i = 0; i < 22; i++) {
            if (!isBase64(key.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isBase64(char c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/';
    }
}
