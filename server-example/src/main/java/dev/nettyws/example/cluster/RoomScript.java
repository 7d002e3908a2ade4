package dev.nettyws.example.cluster;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * One of the store's Lua scripts (resources next to this class, {@code common.lua} prepended), run atomically by
 * Redis on the node holding its keys, which are all in one slot.
 *
 * <p>Always sent with {@code EVAL}, never {@code EVALSHA}: after a Redis restart or a {@code SCRIPT FLUSH},
 * {@code EVALSHA} fails with NOSCRIPT, and sending the script again would run that post (or join, or leave) after
 * others the node made later, which went through once the script was loaded again: a node's posts would change
 * order. Redis compiles a script once and finds it again by its hash, so {@code EVAL} costs only the script's bytes
 * on the wire, kept small by dropping comments and indentation. Immutable and thread-safe.
 */
final class RoomScript {
    static final RoomScript POST = load("post.lua", ScriptOutputType.VALUE);
    static final RoomScript RANGE = load("range.lua", ScriptOutputType.MULTI);
    static final RoomScript JOIN = load("join.lua", ScriptOutputType.VALUE);
    static final RoomScript LEAVE = load("leave.lua", ScriptOutputType.INTEGER);
    static final RoomScript HEARTBEAT = load("heartbeat.lua", ScriptOutputType.MULTI);
    static final RoomScript MEMBERS = load("members.lua", ScriptOutputType.MULTI);

    private final String name;
    private final String source;
    private final ScriptOutputType output;

    private RoomScript(String name, String source, ScriptOutputType output) {
        this.name = name;
        this.source = source;
        this.output = output;
    }

    private static RoomScript load(String file, ScriptOutputType output) {
        String source = (resource("common.lua") + "\n" + resource(file)).lines()
            .map(String::strip)
            .filter(line -> !line.isEmpty() && !line.startsWith("--"))
            .collect(Collectors.joining("\n"));
        return new RoomScript(file, source, output);
    }

    private static String resource(String file) {
        try (InputStream in = RoomScript.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException("missing script resource " + file);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The script as sent. */
    String source() {
        return source;
    }

    /** Runs the script; the future completes on a Redis client thread. */
    <T> CompletionStage<T> run(RedisClusterAsyncCommands<String, String> commands, String[] keys, String... args) {
        return commands.eval(source, output, keys, args);
    }

    @Override
    public String toString() {
        return name;
    }
}
