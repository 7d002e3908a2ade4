package dev.nettyws.example.cluster;

import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's part of presence: the nicks its members hold in each room, and the heartbeat that renews the node's
 * lease in every room where it has members ({@code heartbeat.lua}). A node that stops renewing (it died) loses its
 * members after the lease: the next script run in the room by anyone forgets them and announces their leaves. A node
 * whose own lease lapsed (Redis stalled, or this process did, for longer than the lease) claims its members' nicks
 * back; one taken meanwhile is reported to the room's listener. A leave Redis could not be told of is retried with
 * every heartbeat.
 *
 * <p>Thread-safe: the nick sets are concurrent; the heartbeat runs on a Redis client scheduler thread.
 */
final class NodePresence {
    private static final Logger LOG = LoggerFactory.getLogger(NodePresence.class);

    private final RedisRoomStore store;
    private final RoomStoreConfig config;
    private final RedisBackend redis;
    private final Map<String, RoomNicks> rooms = new ConcurrentHashMap<>();
    private final Set<PendingLeave> pendingLeaves = ConcurrentHashMap.newKeySet();
    private final ScheduledFuture<?> heartbeat;

    /** The nicks of this node's members in one room. */
    private record RoomNicks(RoomKeys keys, Set<NickClaim> nicks) {
    }

    /** A leave Redis has not heard of yet. */
    private record PendingLeave(RoomKeys keys, NickClaim nick) {
        @Override
        public boolean equals(Object other) {
            return other instanceof PendingLeave leave && leave.keys.room.equals(keys.room) && leave.nick.equals(nick);
        }

        @Override
        public int hashCode() {
            return keys.room.hashCode() * 31 + nick.hashCode();
        }
    }

    NodePresence(RedisRoomStore store, RoomStoreConfig config, RedisBackend redis) {
        this.store = store;
        this.config = config;
        this.redis = redis;
        long interval = config.heartbeatInterval().toMillis();
        this.heartbeat = redis.resources().eventExecutorGroup().scheduleAtFixedRate(this::beat, interval, interval,
            TimeUnit.MILLISECONDS);
    }

    CompletionStage<String> join(RoomKeys keys, List<NickClaim> candidates) {
        return claim(keys, "join", candidates).thenApply(nick -> {
            if (nick != null) {
                NickClaim claimed = candidates.stream().filter(c -> c.nick().equals(nick)).findFirst().orElseThrow();
                // Atomic with the heartbeat's removal of a room without nicks.
                rooms.compute(keys.room, (room, local) -> {
                    RoomNicks nicks = local != null ? local : new RoomNicks(keys, ConcurrentHashMap.newKeySet());
                    nicks.nicks.add(claimed);
                    return nicks;
                });
            }
            return nick;
        });
    }

    /**
     * Gives up a nick. If Redis cannot be told now, the node retries with every heartbeat until it can, so that the
     * nick does not stay held for a member that is gone.
     */
    CompletionStage<Boolean> leave(RoomKeys keys, NickClaim nick) {
        RoomNicks local = rooms.get(keys.room);
        if (local != null) {
            local.nicks.remove(nick);
        }
        PendingLeave pending = new PendingLeave(keys, nick);
        return sendLeave(pending).whenComplete((held, error) -> {
            if (error != null) {
                pendingLeaves.add(pending);
            }
        });
    }

    private CompletionStage<Boolean> sendLeave(PendingLeave leave) {
        return RoomScript.LEAVE.<Long>run(redis.commands, new String[] {leave.keys.nicks, leave.keys.nickKeys},
            leave.keys.channel, config.nodeId(), leave.nick.nick(), leave.nick.key()).thenApply(held -> held == 1L);
    }

    /** Gives up every nick of this node. */
    CompletionStage<Void> leaveAll() {
        List<CompletableFuture<Boolean>> leaves = new ArrayList<>();
        for (RoomNicks local : rooms.values()) {
            for (NickClaim nick : List.copyOf(local.nicks)) {
                leaves.add(leave(local.keys, nick).toCompletableFuture());
            }
        }
        return CompletableFuture.allOf(leaves.toArray(CompletableFuture[]::new));
    }

    void stop() {
        heartbeat.cancel(false);
    }

    private CompletionStage<String> claim(RoomKeys keys, String mode, List<NickClaim> candidates) {
        String[] args = new String[6 + 2 * candidates.size()];
        args[0] = keys.channel;
        args[1] = config.nodeId();
        args[2] = Long.toString(config.lease().toMillis());
        args[3] = Long.toString(config.roomLifetime().toMillis());
        args[4] = mode;
        args[5] = Long.toString(store.deadline());
        for (int i = 0; i < candidates.size(); i++) {
            args[6 + 2 * i] = candidates.get(i).nick();
            args[7 + 2 * i] = candidates.get(i).key();
        }
        return RoomScript.JOIN.run(redis.commands, new String[] {keys.nicks, keys.nodes, keys.nickKeys}, args);
    }

    private void beat() {
        for (PendingLeave leave : pendingLeaves) {
            sendLeave(leave).thenRun(() -> pendingLeaves.remove(leave));
        }
        for (RoomNicks local : rooms.values()) {
            if (local.nicks.isEmpty()) {
                rooms.computeIfPresent(local.keys.room, (room, nicks) -> nicks.nicks.isEmpty() ? null : nicks);
                continue;
            }
            RoomKeys keys = local.keys;
            long sentAt = System.currentTimeMillis();
            RoomScript.HEARTBEAT.<List<Object>>run(redis.commands, new String[] {keys.nicks, keys.nodes, keys.stream,
                keys.nickKeys},
                keys.channel, config.nodeId(), Long.toString(config.lease().toMillis()),
                Long.toString(config.roomLifetime().toMillis())).whenComplete((reply, error) -> {
                    if (error != null) {
                        LOG.debug("heartbeat in {} failed: {}", keys.room, error.toString());
                        return;
                    }
                    store.clock((Long) reply.get(1), sentAt);
                    if ((Long) reply.get(0) == 0L) {
                        reclaim(local);
                    }
                });
        }
    }

    /** The lease had lapsed and the node's nicks were forgotten: claims each back, or reports it lost. */
    private void reclaim(RoomNicks local) {
        LOG.warn("this node's lease in {} had lapsed; claiming its {} nicks back", local.keys.room,
            local.nicks.size());
        for (NickClaim nick : List.copyOf(local.nicks)) {
            claim(local.keys, "reclaim", List.of(nick)).whenComplete((claimed, error) -> {
                if (error == null && claimed == null && local.nicks.remove(nick)) {
                    RoomListener listener = store.listener(local.keys.room);
                    if (listener != null) {
                        listener.onNickLost(local.keys.room, nick.nick());
                    }
                }
            });
        }
    }
}
