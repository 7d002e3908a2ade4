package dev.nettyws.example.chat.http;

import dev.nettyws.example.chat.ChatRefusal;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The HTTP sessions of a server by id, with the count per client address and in total held to
 * {@link HttpChatSettings#maxSessions()} and {@link HttpChatSettings#maxSessionsPerAddress()}. A session id is 128
 * random bits (URL-safe base64): it is what lets a client read and post as its member, so it cannot be guessed.
 *
 * <p>Thread-safe: lookups go to a concurrent map, counting takes a short lock. Holds no buffers.
 */
final class HttpSessions {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final HttpChatSettings settings;
    private final Map<String, HttpChatSession> byId = new ConcurrentHashMap<>();
    private final Map<Object, Integer> perAddress = new HashMap<>();
    private int total;

    HttpSessions(HttpChatSettings settings) {
        this.settings = settings;
    }

    /** A new id, not in use. */
    static String newId() {
        byte[] bits = new byte[16];
        RANDOM.nextBytes(bits);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
    }

    /**
     * Counts a session of {@code address} about to be made.
     *
     * @throws ChatRefusal {@link ChatRefusal.Kind#UNAVAILABLE} when the server or the address holds its most
     */
    synchronized void reserve(Object address) throws ChatRefusal {
        if (total >= settings.maxSessions()) {
            throw new ChatRefusal(ChatRefusal.Kind.UNAVAILABLE, "too many sessions");
        }
        int held = perAddress.getOrDefault(address, 0);
        if (held >= settings.maxSessionsPerAddress()) {
            throw new ChatRefusal(ChatRefusal.Kind.UNAVAILABLE, "too many sessions from your address");
        }
        perAddress.put(address, held + 1);
        total++;
    }

    /** Gives back what {@link #reserve} counted. */
    synchronized void release(Object address) {
        perAddress.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1);
        total--;
    }

    void add(HttpChatSession session) {
        byId.put(session.id(), session);
    }

    /** The session with this id, or null. */
    HttpChatSession get(String id) {
        return id == null ? null : byId.get(id);
    }

    /** Forgets an ended session and gives back its count; once per session. */
    void remove(HttpChatSession session) {
        if (byId.remove(session.id(), session)) {
            release(session.address());
        }
    }

    /** The sessions now. */
    synchronized int size() {
        return total;
    }
}
