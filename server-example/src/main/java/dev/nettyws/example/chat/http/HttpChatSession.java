package dev.nettyws.example.chat.http;

import dev.nettyws.example.chat.ChatEvent;
import dev.nettyws.example.chat.ChatJson;
import dev.nettyws.example.chat.ChatSession;
import dev.nettyws.example.chat.ChatSubscriber;
import dev.nettyws.example.chat.EventEncoding;
import dev.nettyws.example.chat.HistoryPieces;
import dev.nettyws.example.chat.JoinedRoom;
import dev.nettyws.example.chat.PostResult;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One member of the chat over HTTP: a {@link ChatSubscriber} whose events wait in a bounded queue until the client
 * fetches them, by polling ({@link #poll}) or over an open event stream ({@link #attachStream}).
 *
 * <p><b>No loss, no repeat.</b> Every event of the session gets a number (1, 2, ...). A poll says the number of the
 * last event the client has ({@code since}); the events up to it are dropped, and the answer carries the events after
 * it and the number to ask with next. An answer lost on the way is asked for again with the same number and comes
 * again; a client that asks with the number it was given never gets an event twice. An event stream drops each event
 * once it is written to the connection (TCP keeps the order).
 *
 * <p><b>Bounds.</b> The queue holds at most the history a join can bring plus
 * {@link dev.nettyws.example.chat.ChatSettings#maxPendingWriteBytes()} bytes of events; beyond that the client is not
 * keeping up and the session ends ({@value #PENDING_LIMIT_REASON}), as a WebSocket member would be closed. A session
 * with nothing held and no request for {@link HttpChatSettings#sessionIdleTimeout()} expires. At most
 * {@link HttpChatSettings#maxHeldPolls()} polls wait at once; each has one timer, and so has the session (its expiry)
 * and a stream (its heartbeat).
 *
 * <p><b>Threads and buffers.</b> Every method runs on {@link #executor()}, the event loop of the connection that made
 * the session; requests on other connections are handed to it, and their answers are written to their own channel
 * (Netty passes the write to that channel's loop). The queue holds immutable {@link ChatEvent}s, never a
 * reference-counted buffer; every response is a new buffer that the channel releases.
 */
final class HttpChatSession implements ChatSubscriber {
    /** The reason a session ends when its client does not keep up with the room. */
    static final String PENDING_LIMIT_REASON = "too many bytes queued";
    /** The reason a session ends when its client stopped asking. */
    static final String EXPIRED_REASON = "session expired";

    /** Events as their JSON, shared by every HTTP member (the room encodes it once; it is not copied). */
    private static final EventEncoding JSON = (alloc, event) -> event.content();
    private static final byte[] SSE_DATA = ascii("data: ");
    private static final byte[] SSE_END = ascii("\n\n");
    private static final byte[] SSE_HEARTBEAT = ascii(":\n\n");

    private final String id;
    private final Object address;
    private final EventExecutor executor;
    private final ByteBufAllocator alloc;
    private final HttpChatSettings settings;
    private final HttpSessions sessions;
    private final long maxQueuedBytes;
    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    private long queuedBytes;
    /** The number of the last event queued. */
    private long lastNumber;
    private ChatSession chat;
    private final List<HeldPoll> held = new ArrayList<>(1);
    private ChannelHandlerContext stream;
    private ScheduledFuture<?> heartbeat;
    private long lastRequestNanos;
    private ScheduledFuture<?> expiry;
    private boolean ended;

    HttpChatSession(String id, Object address, ChannelHandlerContext ctx, HttpChatSettings settings,
                    HttpSessions sessions, long maxQueuedBytes) {
        this.id = id;
        this.address = address;
        this.executor = ctx.executor();
        this.alloc = ctx.alloc();
        this.settings = settings;
        this.sessions = sessions;
        this.maxQueuedBytes = maxQueuedBytes;
        this.lastRequestNanos = executor.ticker().nanoTime();
        queue(ChatJson.session(id), null);
    }

    String id() {
        return id;
    }

    Object address() {
        return address;
    }

    boolean ended() {
        return ended;
    }

    /** The member's chat session, once joined; starts the expiry timer. */
    void started(ChatSession session) {
        this.chat = session;
        if (ended) {
            // Ended while joining (the join's history overflowed the queue): the member must not stay.
            session.leave();
            return;
        }
        scheduleExpiry(settings.sessionIdleTimeout().toNanos());
    }

    @Override
    public EventExecutor executor() {
        return executor;
    }

    @Override
    public ByteBufAllocator alloc() {
        return alloc;
    }

    @Override
    public EventEncoding encoding() {
        return JSON;
    }

    @Override
    public void joined(JoinedRoom joined) {
        queue(joined.welcome(), null);
        HistoryPieces pieces = new HistoryPieces(joined.history(), joined.complete());
        List<ChatEvent> history = joined.history();
        while (pieces.hasNext()) {
            ChatEvent piece = pieces.next();
            // The last piece carries the id of the last message as its event stream id, for Last-Event-ID.
            queue(piece, pieces.hasNext() || history.isEmpty() ? null : history.get(history.size() - 1).id());
        }
        queue(joined.presence(), null);
        flush();
    }

    /** The room cannot take or keep this member (Redis unreachable): the session ends, so the client joins anew. */
    @Override
    public void refused(String reason) {
        end(reason);
    }

    @Override
    public void send(ChatEvent event) {
        queue(event, null);
        flush();
    }

    @Override
    public void deliver(ChatEvent event, ByteBuf encoded) {
        queue(event, event.id());
    }

    @Override
    public void flush() {
        if (ended) {
            return;
        }
        if (stream != null) {
            drainStream();
        } else if (!queue.isEmpty()) {
            for (HeldPoll poll : held) {
                poll.cancel();
                answer(poll.ctx, poll.keepAlive, poll.since);
            }
            held.clear();
        }
    }

    private void queue(ChatEvent event, String streamId) {
        if (ended) {
            return;
        }
        queue.addLast(new Queued(++lastNumber, event, streamId));
        queuedBytes += event.size();
        if (queuedBytes > maxQueuedBytes) {
            end(PENDING_LIMIT_REASON);
        }
    }

    /**
     * A poll: drops the events up to {@code since} and answers with those after it, at once when there are some or
     * {@code wait} is false, otherwise when one comes or after {@link HttpChatSettings#longPollTimeout()}.
     */
    void poll(ChannelHandlerContext ctx, long since, boolean wait, boolean keepAlive) {
        if (ended) {
            HttpReplies.error(ctx, HttpResponseStatus.NOT_FOUND, "no such session", keepAlive);
            return;
        }
        if (stream != null || since < 0 || since > lastNumber) {
            HttpReplies.error(ctx, HttpResponseStatus.BAD_REQUEST, stream != null ? "session is a stream"
                : "since must be 0-" + lastNumber, keepAlive);
            return;
        }
        lastRequestNanos = executor.ticker().nanoTime();
        while (!queue.isEmpty() && queue.peekFirst().number <= since) {
            queuedBytes -= queue.pollFirst().event.size();
        }
        if (!queue.isEmpty() || !wait) {
            answer(ctx, keepAlive, since);
            return;
        }
        HeldPoll poll = new HeldPoll(ctx, keepAlive, since);
        held.add(poll);
        poll.start();
        if (held.size() > settings.maxHeldPolls()) {
            HeldPoll oldest = held.remove(0);
            oldest.cancel();
            answer(oldest.ctx, oldest.keepAlive, oldest.since);
        }
    }

    /** Answers a poll with the queued events after {@code since} (all of them are), up to the response limit. */
    private void answer(ChannelHandlerContext ctx, boolean keepAlive, long since) {
        int bytes = 0;
        int count = 0;
        long next = since;
        for (Queued q : queue) {
            if (count > 0 && bytes + q.event.size() > settings.maxResponseBytes()) {
                break;
            }
            bytes += q.event.size() + 1;
            count++;
            next = q.number;
        }
        byte[] head = ascii("{\"next\":" + next + ",\"events\":[");
        ByteBuf body = ctx.alloc().buffer(head.length + bytes + 2);
        body.writeBytes(head);
        int i = 0;
        for (Queued q : queue) {
            if (i == count) {
                break;
            }
            if (i++ > 0) {
                body.writeByte(',');
            }
            ByteBuf json = q.event.content();
            body.writeBytes(json);
            json.release();
        }
        body.writeByte(']').writeByte('}');
        HttpReplies.json(ctx, HttpResponseStatus.OK, body, keepAlive);
    }

    /** Makes this session's events go to an event stream on {@code ctx} (whose response head is written). */
    void attachStream(ChannelHandlerContext ctx) {
        if (ended) {
            ctx.close();
            return;
        }
        stream = ctx;
        long every = settings.heartbeat().toNanos();
        heartbeat = executor.scheduleAtFixedRate(this::beat, every, every, TimeUnit.NANOSECONDS);
        drainStream();
    }

    /** Writes queued events to the stream while the connection takes them. */
    void drainStream() {
        if (ended || stream == null) {
            return;
        }
        boolean wrote = false;
        while (!queue.isEmpty() && stream.channel().isWritable()) {
            Queued q = queue.pollFirst();
            queuedBytes -= q.event.size();
            stream.write(new DefaultHttpContent(streamRecord(q)));
            wrote = true;
        }
        if (wrote) {
            stream.flush();
        }
    }

    private ByteBuf streamRecord(Queued q) {
        byte[] id = q.streamId == null ? null : ascii("id: " + q.streamId + '\n');
        ByteBuf json = q.event.content();
        ByteBuf out = alloc.buffer((id == null ? 0 : id.length) + SSE_DATA.length + json.readableBytes()
            + SSE_END.length);
        if (id != null) {
            out.writeBytes(id);
        }
        // The JSON is compact: no line breaks, so one data line (a line break in a text is escaped as \n).
        out.writeBytes(SSE_DATA).writeBytes(json).writeBytes(SSE_END);
        json.release();
        return out;
    }

    private void beat() {
        if (!ended && stream != null && stream.channel().isWritable()) {
            stream.writeAndFlush(new DefaultHttpContent(alloc.buffer(SSE_HEARTBEAT.length).writeBytes(SSE_HEARTBEAT)));
        }
    }

    /** Posts a client's message and answers: 204 when posted, 400 or 429 with the reason when refused. */
    void post(ChannelHandlerContext ctx, String json, boolean keepAlive) {
        if (ended || chat == null) {
            HttpReplies.error(ctx, HttpResponseStatus.NOT_FOUND, "no such session", keepAlive);
            return;
        }
        lastRequestNanos = executor.ticker().nanoTime();
        PostResult result = chat.post(json, lastRequestNanos);
        switch (result.outcome()) {
            case POSTED:
                HttpReplies.empty(ctx, keepAlive);
                break;
            case REFUSED:
                HttpReplies.error(ctx, result.reason().startsWith("rate limit") ? HttpResponseStatus.TOO_MANY_REQUESTS
                    : HttpResponseStatus.BAD_REQUEST, result.reason(), keepAlive);
                break;
            default:
                HttpReplies.error(ctx, HttpResponseStatus.TOO_MANY_REQUESTS, result.reason(), keepAlive);
                end(result.reason());
                break;
        }
    }

    /**
     * Ends the session: leaves the room, answers held polls with 404 and the reason, ends the stream with an error
     * event; later calls do nothing.
     */
    void end(String reason) {
        if (ended) {
            return;
        }
        ended = true;
        sessions.remove(this);
        if (chat != null) {
            chat.leave();
        }
        if (expiry != null) {
            expiry.cancel(false);
        }
        for (HeldPoll poll : held) {
            poll.cancel();
            HttpReplies.error(poll.ctx, HttpResponseStatus.NOT_FOUND, reason, poll.keepAlive);
        }
        held.clear();
        queue.clear();
        queuedBytes = 0;
        if (stream != null) {
            heartbeat.cancel(false);
            if (stream.channel().isActive()) {
                Queued error = new Queued(0, ChatJson.error(reason), null);
                stream.write(new DefaultHttpContent(streamRecord(error)));
                stream.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
            }
        }
    }

    private void scheduleExpiry(long delayNanos) {
        expiry = executor.schedule(this::checkExpiry, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void checkExpiry() {
        if (ended) {
            return;
        }
        long idle = settings.sessionIdleTimeout().toNanos();
        if (stream != null || !held.isEmpty()) {
            scheduleExpiry(idle);
            return;
        }
        long quiet = executor.ticker().nanoTime() - lastRequestNanos;
        if (quiet >= idle) {
            end(EXPIRED_REASON);
        } else {
            scheduleExpiry(idle - quiet);
        }
    }

    /** How many events wait (tests). */
    int queued() {
        return queue.size();
    }

    /** How many polls are held (tests). */
    int heldPolls() {
        return held.size();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** An event with its number, and its id on an event stream (a message's id). */
    private record Queued(long number, ChatEvent event, String streamId) {
    }

    /** A poll waiting for news, with its timer and a listener that forgets it if its connection closes. */
    private final class HeldPoll {
        final ChannelHandlerContext ctx;
        final boolean keepAlive;
        final long since;
        private ScheduledFuture<?> timer;
        private final GenericFutureListener<Future<Void>> onClose = f -> executor.execute(this::forget);

        HeldPoll(ChannelHandlerContext ctx, boolean keepAlive, long since) {
            this.ctx = ctx;
            this.keepAlive = keepAlive;
            this.since = since;
        }

        void start() {
            timer = executor.schedule(this::timedOut, settings.longPollTimeout().toNanos(), TimeUnit.NANOSECONDS);
            ctx.channel().closeFuture().addListener(onClose);
        }

        void cancel() {
            timer.cancel(false);
            ctx.channel().closeFuture().removeListener(onClose);
        }

        private void timedOut() {
            if (held.remove(this)) {
                ctx.channel().closeFuture().removeListener(onClose);
                answer(ctx, keepAlive, since);
            }
        }

        private void forget() {
            if (held.remove(this)) {
                timer.cancel(false);
            }
        }
    }
}
