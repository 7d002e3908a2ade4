package dev.nettyws.example.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The rule for rooms, at the service: one address holds at most its quota of rooms (in them, or created and still
 * kept), so it can neither keep every room in use nor push other rooms' histories out. Members are subscribers that
 * record their events, on an executor that runs everything at once.
 */
class ChatRoomsTest {
    private static final SocketAddress X = new InetSocketAddress("192.0.2.1", 40000);
    private static final SocketAddress Y = new InetSocketAddress("192.0.2.2", 40000);
    private static final SocketAddress Z = new InetSocketAddress("192.0.2.3", 40000);

    /** Records the JSON of every event it gets. */
    private static final class Recorder implements ChatSubscriber {
        final List<String> events = new ArrayList<>();
        JoinedRoom joined;

        @Override
        public EventExecutor executor() {
            return ImmediateEventExecutor.INSTANCE;
        }

        @Override
        public ByteBufAllocator alloc() {
            return UnpooledByteBufAllocator.DEFAULT;
        }

        @Override
        public EventEncoding encoding() {
            return (alloc, event) -> event.content();
        }

        @Override
        public void joined(JoinedRoom joined) {
            this.joined = joined;
        }

        @Override
        public void send(ChatEvent event) {
            events.add(event.json());
        }

        @Override
        public void deliver(ChatEvent event, ByteBuf encoded) {
            events.add(event.json());
        }

        @Override
        public void flush() {
        }
    }

    private static ChatSession join(ChatRooms rooms, String room, SocketAddress from) throws ChatRefusal {
        return rooms.join(room, "n", null, from, new Recorder());
    }

    @Test
    void oneAddressIdleInEveryRoomItMayHoldLeavesTheOtherRoomsToOthers() throws ChatRefusal {
        // The case: 256 idle connections from one address, one per room.
        ChatRooms rooms = new ChatRooms(ChatSettings.DEFAULT);
        int quota = ChatSettings.DEFAULT.maxRoomsPerAddress();
        for (int i = 0; i < quota; i++) {
            join(rooms, "x" + i, X);
        }
        for (int i = quota; i < 256; i++) {
            String room = "x" + i;
            ChatRefusal refusal = assertThrows(ChatRefusal.class, () -> join(rooms, room, X));
            assertEquals(ChatRefusal.Kind.UNAVAILABLE, refusal.kind());
            assertEquals("too many rooms from your address", refusal.getMessage());
        }
        join(rooms, "x0", X);
        assertEquals(quota, rooms.size(), "another connection to a room it is in is fine");
        for (int i = 0; i < 10; i++) {
            join(rooms, "y" + i, Y);
        }
        assertEquals(quota + 10, rooms.size(), "the next address opens new rooms");
    }

    @Test
    void roomsCreatedOverAndOverByOneAddressOnlyReplaceItsOwn() throws ChatRefusal {
        ChatSettings settings = ChatSettings.DEFAULT.toBuilder().maxRooms(4).maxRoomsPerAddress(2).build();
        ChatRooms rooms = new ChatRooms(settings);
        ChatSession keeper = join(rooms, "keep", Y);
        keeper.post("{\"type\":\"message\",\"text\":\"remember me\"}", 0);
        keeper.leave();
        join(rooms, "busy", Z);
        for (int i = 0; i < 300; i++) {
            join(rooms, "churn" + i, X).leave();
        }
        assertEquals(4, rooms.size(), "keep, busy and two of X's");
        Recorder back = new Recorder();
        rooms.join("keep", "n", null, Y, back);
        assertEquals(1, back.joined.history().size(), "Y's empty room kept its history");
        assertEquals("remember me", ChatJson.parse(back.joined.history().get(0).json()).get("text").asText());
    }

    @Test
    void aServerFullOfRoomsInUseStillRefusesANewOneWith1013() throws ChatRefusal {
        ChatRooms rooms = new ChatRooms(ChatSettings.DEFAULT.toBuilder().maxRooms(2).build());
        join(rooms, "a", X);
        join(rooms, "b", Y);
        ChatRefusal refusal = assertThrows(ChatRefusal.class, () -> join(rooms, "c", Z));
        assertEquals("too many rooms", refusal.getMessage());
    }

    @Test
    void anIpv6AddressCountsByItsSlash64() {
        Object one = ChatRooms.addressKey(new InetSocketAddress("2001:db8:1:2::1", 1));
        assertEquals(one, ChatRooms.addressKey(new InetSocketAddress("2001:db8:1:2:ffff:ffff:ffff:ffff", 2)));
        assertEquals("2001:db8:1:2::/64", one);
        assertEquals("2001:db8:1:3::/64", ChatRooms.addressKey(new InetSocketAddress("2001:db8:1:3::1", 1)));
        assertEquals("192.0.2.1", ChatRooms.addressKey(X));
    }
}
