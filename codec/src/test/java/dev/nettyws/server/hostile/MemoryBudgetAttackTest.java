package dev.nettyws.server.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.frame.CloseStatus;
import dev.nettyws.frame.MemoryBudget;
import dev.nettyws.protocol.ConnectionConfig;
import dev.nettyws.server.WebSocketServerConfig;
import dev.nettyws.testsupport.FrameBytes;
import dev.nettyws.testsupport.HandshakeRequest;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Memory multiplied by connections (issue 15, findings 2 and 6), on real sockets against a server with a small
 * {@link MemoryBudget}: many connections each holding an unfinished large frame, or an unfinished compressed fragment
 * that inflates to megabytes, or compression state. What the budget accounts and what the server's own pooled
 * allocator holds stay under a bound however many connections try; the connections beyond it are closed with 1013;
 * a well-behaved client is still served; and the budget returns to zero once they are gone.
 */
@Timeout(120)
class MemoryBudgetAttackTest {
    private static final int MIB = 1 << 20;
    private static final int ATTACKERS = 24;
    /** Each attacker's message: a frame (or its inflated size) of 4 MiB, within the per-message limit. */
    private static final int MESSAGE = 4 * MIB;
    private static final long LIMIT = 16L * MIB;
    /** What the server may hold besides the budget: socket reads, allocator chunks, rounding. */
    private static final long SLACK = 8L * MIB;

    private final MemoryBudget budget = MemoryBudget.of(LIMIT);
    private final PooledByteBufAllocator allocator = new PooledByteBufAllocator(true);

    private HostileServer start(boolean deflate) throws InterruptedException {
        ConnectionConfig connection = ConnectionConfig.DEFAULT.toBuilder().closeTimeout(Duration.ofSeconds(1))
            .build();
        return HostileServer.start(WebSocketServerConfig.builder().maxMessageLength(MESSAGE).memoryBudget(budget)
            .connection(connection).deflate(deflate).build(), allocator);
    }

    /** Waits (bounded) until {@code condition} holds; fails with {@code what} otherwise. */
    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(HostileServer.WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what);
            Thread.sleep(5);
        }
    }

    /** Waits until the attacker's message was either taken in (the budget grew by most of it) or refused. */
    private boolean heldOrRefused(RawWebSocket ws, long before) throws Exception {
        long held = MESSAGE - budget.freeBytes();
        await(() -> budget.used() >= before + held || available(ws) > 0, "the server neither held nor refused");
        if (budget.used() >= before + held && available(ws) == 0) {
            return true;
        }
        assertEquals(CloseStatus.TRY_AGAIN_LATER, ws.readCloseCode());
        return false;
    }

    private static int available(RawWebSocket ws) {
        try {
            return ws.available();
        } catch (IOException e) {
            return 1;
        }
    }

    private void assertBoundedAndOthersServed(HostileServer server, int held) throws IOException {
        assertTrue(held >= 1, "some attackers are held");
        assertTrue(held < ATTACKERS / 2, held + " of " + ATTACKERS + " held: the budget did not bound them");
        assertTrue(budget.used() <= LIMIT, "budget " + budget.used());
        long direct = allocator.metric().usedDirectMemory();
        assertTrue(direct <= LIMIT + SLACK, "the server's allocator holds " + direct + " bytes for "
            + ATTACKERS + " attackers of " + MESSAGE + " (" + (long) ATTACKERS * MESSAGE + " attempted)");
        try (RawWebSocket ws = RawWebSocket.open(server.address())) {
            ws.send(FrameBytes.text("still serving"));
            assertEquals("still serving", ws.readFrame().text());
            ws.send(FrameBytes.close(1000, ""));
            assertEquals(1000, ws.readCloseCode());
        }
    }

    private void closeAllAndAssertTheBudgetReturns(HostileServer server, List<RawWebSocket> attackers)
            throws Exception {
        for (RawWebSocket ws : attackers) {
            ws.reset();
        }
        server.awaitNoConnections();
        await(() -> budget.used() == 0, "the budget did not return to zero: " + budget);
    }

    @Test
    void partialFramesFromManyConnectionsAreBoundedByTheBudgetAndTheRestGet1013() throws Exception {
        List<RawWebSocket> attackers = new ArrayList<>();
        try (HostileServer server = start(false)) {
            int held = 0;
            byte[] frame = FrameBytes.binary(new byte[MESSAGE]).mask(RawWebSocket.MASK).bytes();
            byte[] header = Arrays.copyOf(frame, 14);
            byte[] half = Arrays.copyOfRange(frame, 14, 14 + MESSAGE / 2);
            for (int i = 0; i < ATTACKERS; i++) {
                RawWebSocket ws = RawWebSocket.open(server.address());
                attackers.add(ws);
                long before = budget.used();
                ws.write(header);
                if (heldOrRefused(ws, before)) {
                    held++;
                    // Half the payload, and never the rest: it is held in a buffer of the announced size.
                    ws.write(half);
                } else {
                    ws.assertEnded();
                }
            }
            assertEquals(LIMIT / (MESSAGE - budget.freeBytes()), held, "as many as the budget covers");
            assertBoundedAndOthersServed(server, held);
            closeAllAndAssertTheBudgetReturns(server, attackers);
        } finally {
            for (RawWebSocket ws : attackers) {
                ws.close();
            }
        }
    }

    @Test
    void unfinishedCompressedFragmentsFromManyConnectionsAreBoundedByTheBudgetAndTheRestGet1013()
            throws Exception {
        // A few KiB on the wire that inflate to just under the message limit (issue 15: 16 KB to 15.9 MiB).
        byte[] compressed = deflate(new byte[MESSAGE - 1]);
        assertTrue(compressed.length < 16 * 1024, "compressed to " + compressed.length);
        byte[] fragment = FrameBytes.binary(compressed).fin(false).rsv(FrameBytes.RSV1).mask(RawWebSocket.MASK)
            .bytes();
        List<RawWebSocket> attackers = new ArrayList<>();
        try (HostileServer server = start(true)) {
            int held = 0;
            for (int i = 0; i < ATTACKERS; i++) {
                RawWebSocket ws = RawWebSocket.connect(server.address());
                attackers.add(ws);
                HandshakeRequest request = HandshakeRequest.to(HostileServer.PATH);
                request.add("Sec-WebSocket-Extensions", "permessage-deflate");
                ws.write(request.bytes());
                String head = ws.readHead();
                assertTrue(head.startsWith("HTTP/1.1 101 ") && head.contains("permessage-deflate"), head);
                // A ping after the fragment (§5.4 allows it between fragments) tells how the fragment went: its
                // pong comes first if the fragment is held, after a close frame with 1013 if it was refused.
                ws.write(fragment);
                ws.send(FrameBytes.ping(new byte[] {(byte) i}));
                RawWebSocket.Received first = ws.readFrame();
                if (first.opcode() == 0xA) {
                    held++;
                } else {
                    assertEquals(0x8, first.opcode());
                    assertEquals(CloseStatus.TRY_AGAIN_LATER, ((first.payload()[0] & 0xff) << 8)
                        | (first.payload()[1] & 0xff));
                    assertEquals(0xA, ws.readFrame().opcode(), "pongs are still sent after our close (§5.5.2)");
                    // Answer the close handshake as a client would.
                    ws.send(FrameBytes.close(CloseStatus.TRY_AGAIN_LATER, ""));
                    ws.assertEnded();
                }
            }
            assertBoundedAndOthersServed(server, held);
            closeAllAndAssertTheBudgetReturns(server, attackers);
        } finally {
            for (RawWebSocket ws : attackers) {
                ws.close();
            }
        }
    }

    @Test
    void compressionStateIsHeldByAtMostAQuarterOfTheBudgetAndEveryEchoStillArrives() throws Exception {
        String text = "{\"type\":\"message\",\"text\":\"" + "compressible ".repeat(20) + "\"}";
        List<RawWebSocket> clients = new ArrayList<>();
        try (HostileServer server = start(true)) {
            int askedToReset = 0;
            for (int i = 0; i < ATTACKERS; i++) {
                RawWebSocket ws = RawWebSocket.connect(server.address());
                clients.add(ws);
                HandshakeRequest request = HandshakeRequest.to(HostileServer.PATH);
                request.add("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits");
                ws.write(request.bytes());
                String head = ws.readHead();
                assertTrue(head.startsWith("HTTP/1.1 101 "), head);
                if (head.contains("client_no_context_takeover")) {
                    askedToReset++;
                }
                // Uncompressed from us; the server compresses its echo, with a context of its own while it may.
                ws.send(FrameBytes.text(text));
                RawWebSocket.Received echo = ws.readFrame();
                assertEquals(text, new String(inflate(echo.payload()), StandardCharsets.UTF_8));
                assertTrue(budget.contextBytes() <= LIMIT / 4, "contexts hold " + budget.contextBytes());
            }
            assertTrue(askedToReset > 0, "without room for an inflater, new clients are asked to reset");
            assertTrue(askedToReset < ATTACKERS, "with room, clients keep their context");
            closeAllAndAssertTheBudgetReturns(server, clients);
            assertEquals(0, budget.contextBytes());
        } finally {
            for (RawWebSocket ws : clients) {
                ws.close();
            }
        }
    }

    /** Raw DEFLATE ending in a sync flush without its 00 00 ff ff, as a permessage-deflate sender makes it. */
    private static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater(9, true);
        try {
            deflater.setInput(data);
            byte[] out = new byte[64 * 1024];
            int length = deflater.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
            assertTrue(length < out.length, "compressed into one buffer");
            return Arrays.copyOf(out, length - 4);
        } finally {
            deflater.end();
        }
    }

    /** Inflates one compressed message of the server (the text echoed compresses, so RSV1 is set). */
    private static byte[] inflate(byte[] payload) throws DataFormatException {
        Inflater inflater = new Inflater(true);
        try {
            byte[] input = Arrays.copyOf(payload, payload.length + 4);
            input[payload.length + 2] = (byte) 0xff;
            input[payload.length + 3] = (byte) 0xff;
            inflater.setInput(input);
            byte[] out = new byte[64 * 1024];
            int length = inflater.inflate(out);
            return Arrays.copyOf(out, length);
        } finally {
            inflater.end();
        }
    }
}
