package dev.nettyws.example.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.nettyws.example.cluster.RoomMessage;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a chat message is kept in a room's Redis stream: {@code {"nick":...,"text":...,"ts":...}}. The id is Redis's
 * (the stream entry's), so each node builds the message event from the entry once and encodes it once for all its
 * members. Stateless and thread-safe.
 */
final class RedisMessageBody {
    private static final Logger LOG = LoggerFactory.getLogger(RedisMessageBody.class);
    private static final JsonMapper MAPPER = new JsonMapper();

    private RedisMessageBody() {
    }

    /** The body of a message to post. */
    static String write(String nick, String text, long timestamp) {
        try {
            return MAPPER.writeValueAsString(MAPPER.createObjectNode().put("nick", nick).put("text", text)
                .put("ts", timestamp));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A message event read from a stream entry, and when it was posted (its node's clock). */
    record Read(ChatEvent event, long postedMillis) {
    }

    /** The message event of a stream entry, or null (logged) for an entry that is not a chat message. */
    static Read read(RoomMessage message) {
        try {
            JsonNode node = MAPPER.readTree(message.body());
            JsonNode nick = node.get("nick");
            JsonNode text = node.get("text");
            JsonNode ts = node.get("ts");
            if (nick != null && nick.isTextual() && text != null && text.isTextual() && ts != null && ts.isNumber()) {
                return new Read(ChatJson.message(message.id(), message.room(), nick.textValue(), text.textValue(),
                    ts.longValue()), ts.longValue());
            }
        } catch (JsonProcessingException e) {
            // Reported below.
        }
        LOG.warn("room {}: entry {} is not a chat message; skipped", message.room(), message.id());
        return null;
    }
}
