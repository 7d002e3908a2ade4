package dev.nettyws.example.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Iterator;

/**
 * The chat wire protocol: JSON objects in text frames, each with a {@code "type"}. Builds the server's events and
 * reads the client's messages. Stateless and thread-safe (Jackson's {@link ObjectMapper} is).
 *
 * <pre>
 *   client to server  {"type":"message","text":"..."}
 *   server to client  {"type":"welcome","room":"...","nick":"..."}             (first, with the nick assigned)
 *                     {"type":"history","messages":[message, ...]}           (the room's last messages)
 *                     {"type":"presence","nicks":["...", ...],"count":N}       (who is in the room)
 *                     {"type":"join","nick":"..."}, {"type":"leave","nick":"..."}
 *                     {"type":"message","room":"...","nick":"...","text":"...","ts":EPOCH_MILLIS}
 *                     {"type":"error","reason":"..."}
 * </pre>
 */
public final class ChatJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ChatJson() {
    }

    /** A chat message event. */
    public static ObjectNode message(String room, String nick, String text, long timestamp) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("type", "message").put("room", room).put("nick", nick).put("text", text).put("ts", timestamp);
        return node;
    }

    /** The first event of a connection: the room joined and the nick assigned (it may carry a suffix). */
    public static ObjectNode welcome(String room, String nick) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("type", "welcome").put("room", room).put("nick", nick);
        return node;
    }

    /** Someone joined the room. */
    public static ObjectNode join(String nick) {
        ObjectNode node = MAPPER.createObjectNode();
        return node.put("type", "join").put("nick", nick);
    }

    /** Someone left the room. */
    public static ObjectNode leave(String nick) {
        ObjectNode node = MAPPER.createObjectNode();
        return node.put("type", "leave").put("nick", nick);
    }

    /** The room's last messages, oldest first. */
    public static ObjectNode history(Collection<ObjectNode> messages) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("type", "history");
        ArrayNode array = node.putArray("messages");
        array.addAll(messages);
        return node;
    }

    /**
     * Who is in the room, in the order they joined: the first {@code limit} nicks, and how many members there are
     * ({@code count}, which exceeds the length of {@code nicks} in a room bigger than the limit).
     */
    public static ObjectNode presence(Collection<String> nicks, int limit) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("type", "presence");
        ArrayNode array = node.putArray("nicks");
        Iterator<String> it = nicks.iterator();
        for (int i = 0; i < limit && it.hasNext(); i++) {
            array.add(it.next());
        }
        node.put("count", nicks.size());
        return node;
    }

    /** An error about the client's last message; the connection stays open. */
    public static ObjectNode error(String reason) {
        ObjectNode node = MAPPER.createObjectNode();
        return node.put("type", "error").put("reason", reason);
    }

    /** The compact JSON text of an event. */
    public static String toText(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses JSON text, for tests and clients. */
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
     * @param maxTextBytes the largest text in UTF-8 bytes
     * @return the text to post
     * @throws BadMessageException if the JSON is malformed, not an object, of an unknown type, or its text is
     *     missing, empty or too long
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
        if (value.isBlank()) {
            throw new BadMessageException("empty text");
        }
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxTextBytes) {
            throw new BadMessageException("text too long: " + bytes + " bytes, at most " + maxTextBytes);
        }
        return value;
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
