package dev.nettyws.example.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UCharacterCategory;
import com.ibm.icu.lang.UProperty;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;

/**
 * The chat wire protocol: JSON objects, each with a {@code "type"}. Builds the server's events
 * ({@link ChatEvent}s, encoded once) and reads the client's messages strictly: one JSON value and nothing after it,
 * no key twice. Stateless and thread-safe (Jackson's mapper is).
 *
 * <pre>
 *   client to server  {"type":"message","text":"..."}
 *   server to client  {"type":"welcome","room":"...","nick":"..."}             (first, with the nick assigned)
 *                     {"type":"history","complete":B,["more":true,]"messages":[message, ...]}
 *                                                                  (the messages missed, in pieces of bounded size)
 *                     {"type":"presence","nicks":["...", ...],"count":N}       (who is in the room)
 *                     {"type":"join","nick":"..."}, {"type":"leave","nick":"..."}
 *                     {"type":"message","id":"...","room":"...","nick":"...","text":"...","ts":EPOCH_MILLIS}
 *                     {"type":"error","reason":"..."}
 *                     {"type":"session","session":"..."}   (HTTP transports: the session id, before the welcome)
 * </pre>
 */
public final class ChatJson {
    /** Bytes of a history event around its messages, at most: type, both flags, brackets. */
    static final int HISTORY_ENVELOPE_BYTES = 64;
    /**
     * Bytes of a message event around its text, at most: type, id, the room and nick names (4 UTF-8 bytes per
     * character at worst, a suffix on the nick) and the timestamp.
     */
    static final int MESSAGE_ENVELOPE_BYTES = 512;

    private static final JsonMapper MAPPER = JsonMapper.builder()
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .build();
    private static final byte[] HISTORY_START = ascii("{\"type\":\"history\",\"complete\":");
    private static final byte[] HISTORY_MORE = ascii(",\"more\":true");
    private static final byte[] HISTORY_MESSAGES = ascii(",\"messages\":[");
    private static final byte[] HISTORY_END = ascii("]}");
    private static final byte[] TRUE = ascii("true");
    private static final byte[] FALSE = ascii("false");

    private ChatJson() {
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** A chat message event. */
    public static ChatEvent message(String id, String room, String nick, String text, long timestamp) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("type", "message").put("id", id).put("room", room).put("nick", nick).put("text", text)
            .put("ts", timestamp);
        return new ChatEvent("message", id, bytes(node));
    }

    /** The first event of a connection: the room joined and the nick assigned (it may carry a suffix). */
    public static ChatEvent welcome(String room, String nick) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("type", "welcome").put("room", room).put("nick", nick);
        return event(node);
    }

    /** Someone joined the room. */
    public static ChatEvent join(String nick) {
        return event(MAPPER.createObjectNode().put("type", "join").put("nick", nick));
    }

    /** Someone left the room. */
    public static ChatEvent leave(String nick) {
        return event(MAPPER.createObjectNode().put("type", "leave").put("nick", nick));
    }

    /**
     * One piece of a history: {@code messages} (message events, oldest first), whether the history is
     * {@code complete} (all the messages asked for, or some are missing), and whether {@code more} pieces follow. The
     * messages' bytes are copied as they are, not re-encoded.
     */
    public static ChatEvent history(List<ChatEvent> messages, boolean complete, boolean more) {
        byte[] flag = complete ? TRUE : FALSE;
        int size = HISTORY_START.length + flag.length + (more ? HISTORY_MORE.length : 0) + HISTORY_MESSAGES.length
            + Math.max(0, messages.size() - 1) + HISTORY_END.length;
        for (ChatEvent message : messages) {
            size += message.size();
        }
        byte[] json = new byte[size];
        ByteBuf out = Unpooled.wrappedBuffer(json).clear();
        out.writeBytes(HISTORY_START).writeBytes(flag);
        if (more) {
            out.writeBytes(HISTORY_MORE);
        }
        out.writeBytes(HISTORY_MESSAGES);
        for (int i = 0; i < messages.size(); i++) {
            if (i > 0) {
                out.writeByte(',');
            }
            messages.get(i).writeTo(out);
        }
        out.writeBytes(HISTORY_END);
        return new ChatEvent("history", null, json);
    }

    /**
     * Who is in the room, in the order they joined: the first {@code limit} nicks, and how many members there are
     * ({@code count}, which exceeds the length of {@code nicks} in a room bigger than the limit).
     */
    public static ChatEvent presence(Collection<String> nicks, int limit) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("type", "presence");
        ArrayNode array = node.putArray("nicks");
        Iterator<String> it = nicks.iterator();
        for (int i = 0; i < limit && it.hasNext(); i++) {
            array.add(it.next());
        }
        node.put("count", nicks.size());
        return event(node);
    }

    /** The id of an HTTP session, which the client's requests name: the first event of the session. */
    public static ChatEvent session(String id) {
        return event(MAPPER.createObjectNode().put("type", "session").put("session", id));
    }

    /** An error about the client's last message; the connection stays open. */
    public static ChatEvent error(String reason) {
        return event(MAPPER.createObjectNode().put("type", "error").put("reason", reason));
    }

    private static ChatEvent event(ObjectNode node) {
        return new ChatEvent(node.get("type").textValue(), null, bytes(node));
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The compact JSON text of a node, for tests and clients. */
    public static String toText(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses JSON text (strictly), for tests and clients. */
    public static JsonNode parse(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a client's message and returns its text, or throws with the reason sent back in an error event.
     *
     * @param json the text frame's content
     * @param maxTextBytes the largest text in bytes as the server sends it: UTF-8 with JSON's escapes (a control
     *     character costs 6 bytes), so that the limit bounds what every member is sent
     * @return the text to post
     * @throws BadMessageException if the JSON is malformed (also: anything after the object, a key twice), not an
     *     object, of an unknown type, or its text is missing, blank, not valid Unicode or too long
     */
    public static String readMessageText(String json, int maxTextBytes) throws BadMessageException {
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new BadMessageException("malformed JSON");
        }
        if (node == null || !node.isObject()) {
            throw new BadMessageException("expected a JSON object");
        }
        JsonNode type = node.get("type");
        if (type == null || !type.isTextual()) {
            throw new BadMessageException("missing \"type\"");
        }
        if (!"message".equals(type.textValue())) {
            throw new BadMessageException("unknown type \"" + abbreviate(type.textValue()) + '"');
        }
        JsonNode text = node.get("text");
        if (text == null || !text.isTextual()) {
            throw new BadMessageException("missing \"text\"");
        }
        String value = text.textValue();
        if (hasLoneSurrogate(value)) {
            throw new BadMessageException("text is not valid Unicode");
        }
        if (isBlank(value)) {
            throw new BadMessageException("empty text");
        }
        int bytes = encodedLength(value);
        if (bytes > maxTextBytes) {
            throw new BadMessageException("text too long: " + bytes + " bytes, at most " + maxTextBytes);
        }
        return value;
    }

    /** The bytes {@code text} takes inside a JSON string as the server writes it: UTF-8, with JSON's escapes. */
    static int encodedLength(String text) {
        return JsonStringEncoder.getInstance().quoteAsUTF8(text).length;
    }

    /**
     * Whether the text shows nothing: every character is white space (any Unicode space, such as U+3000), a
     * default-ignorable code point (zero-width characters, fillers such as U+3164), a format or control character,
     * or U+2800 (a braille cell without dots, which renders blank).
     */
    static boolean isBlank(String text) {
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int type = UCharacter.getType(cp);
            boolean blank = UCharacter.isUWhiteSpace(cp)
                || UCharacter.hasBinaryProperty(cp, UProperty.DEFAULT_IGNORABLE_CODE_POINT)
                || type == UCharacterCategory.FORMAT || type == UCharacterCategory.CONTROL || cp == 0x2800;
            if (!blank) {
                return false;
            }
            i += Character.charCount(cp);
        }
        return true;
    }

    private static boolean hasLoneSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    private static String abbreviate(String value) {
        return value.length() <= 32 ? value : value.substring(0, 32) + "...";
    }

    /** A client message the server cannot accept; its message is the reason sent back. */
    public static final class BadMessageException extends Exception {
        private static final long serialVersionUID = 1L;

        /** Creates the exception with the reason for the client. */
        public BadMessageException(String reason) {
            super(reason, null, false, false);
        }
    }
}
