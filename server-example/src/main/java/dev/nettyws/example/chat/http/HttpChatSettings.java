package dev.nettyws.example.chat.http;

import java.time.Duration;
import java.util.Objects;

/**
 * The limits of the chat's HTTP transports (Server-Sent Events, long and short polling): how long a long poll is
 * held, when a session that stops asking expires, how often an idle event stream gets a heartbeat, how many sessions
 * the server and one client address may hold, how many polls one session may have held at once, and the most event
 * bytes one poll response carries. Immutable; start from {@link #DEFAULT} and change it with the {@code with...}
 * methods. Safe to share between threads.
 *
 * @param longPollTimeout how long a long poll waits for news before it is answered with none; below the HTTP
 *     exchange timeout of the server (30 s by default), which would otherwise close the connection first
 * @param sessionIdleTimeout how long a polling session lives without a request (none held either); longer than
 *     {@code longPollTimeout}
 * @param heartbeat how often an event stream gets a comment line, so that proxies and the client see it alive
 * @param maxSessions the sessions of the whole server
 * @param maxSessionsPerAddress the sessions of one client address (IPv6: per /64)
 * @param maxHeldPolls the polls of one session held at once: one more answers the oldest at once, with no events
 * @param maxResponseBytes the event bytes one poll response carries at most (at least one event is always sent)
 */
public record HttpChatSettings(Duration longPollTimeout, Duration sessionIdleTimeout, Duration heartbeat,
                               int maxSessions, int maxSessionsPerAddress, int maxHeldPolls, int maxResponseBytes) {
    /**
     * Defaults: long polls held 25 s, sessions expire after 60 s without a request, a heartbeat every 15 s, 10,000
     * sessions of which one address may hold 64, one held poll per session, 64 KiB of events per poll response.
     */
    public static final HttpChatSettings DEFAULT = new HttpChatSettings(Duration.ofSeconds(25), Duration.ofSeconds(60),
        Duration.ofSeconds(15), 10_000, 64, 1, 64 * 1024);

    /** Checks the values. */
    public HttpChatSettings {
        Objects.requireNonNull(longPollTimeout, "longPollTimeout");
        Objects.requireNonNull(sessionIdleTimeout, "sessionIdleTimeout");
        Objects.requireNonNull(heartbeat, "heartbeat");
        if (longPollTimeout.isNegative() || longPollTimeout.isZero() || heartbeat.isNegative() || heartbeat.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive: " + longPollTimeout + ", " + heartbeat);
        }
        if (sessionIdleTimeout.compareTo(longPollTimeout) <= 0) {
            throw new IllegalArgumentException("sessionIdleTimeout must exceed longPollTimeout: " + sessionIdleTimeout
                + " <= " + longPollTimeout);
        }
        if (maxSessions < 1 || maxSessionsPerAddress < 1 || maxHeldPolls < 1 || maxResponseBytes < 1) {
            throw new IllegalArgumentException("limits must be >= 1: " + maxSessions + ", " + maxSessionsPerAddress
                + ", " + maxHeldPolls + ", " + maxResponseBytes);
        }
    }

    /** These settings with other session limits. */
    public HttpChatSettings withSessions(int maxSessions, int maxSessionsPerAddress) {
        return new HttpChatSettings(longPollTimeout, sessionIdleTimeout, heartbeat, maxSessions, maxSessionsPerAddress,
            maxHeldPolls, maxResponseBytes);
    }

    /** These settings with other timers. */
    public HttpChatSettings withTimers(Duration longPollTimeout, Duration sessionIdleTimeout, Duration heartbeat) {
        return new HttpChatSettings(longPollTimeout, sessionIdleTimeout, heartbeat, maxSessions, maxSessionsPerAddress,
            maxHeldPolls, maxResponseBytes);
    }

    /** These settings with another number of polls a session may have held at once. */
    public HttpChatSettings withMaxHeldPolls(int maxHeldPolls) {
        return new HttpChatSettings(longPollTimeout, sessionIdleTimeout, heartbeat, maxSessions, maxSessionsPerAddress,
            maxHeldPolls, maxResponseBytes);
    }
}
