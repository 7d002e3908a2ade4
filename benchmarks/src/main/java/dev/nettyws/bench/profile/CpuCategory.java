package dev.nettyws.bench.profile;

import java.awt.Color;
import java.util.List;

/**
 * Where a CPU sample's time goes, decided from its stack: the first frame from the leaf up that names a category
 * wins (a {@code memcpy} or {@code ArrayList.add} counts for whoever called it). The names are matched as
 * async-profiler writes them: {@code io/netty/channel/AbstractChannelHandlerContext.invokeChannelRead} for Java,
 * {@code tcp_sendmsg_[k]} for the kernel, {@code OptoRuntime::new_instance_C} for the JVM's C++.
 *
 * <p>Immutable.
 */
enum CpuCategory {
    /** System calls and the loopback TCP path underneath (softirqs included). */
    KERNEL("kernel: syscalls, TCP over loopback", new Color(0x8fa8c8)),
    /** Netty's event loop, channel and outbound buffer, the JNI glue of the native transports. */
    TRANSPORT("Netty transport, event loop", new Color(0x5b8fd6)),
    /** Handler context hops: {@code fireChannelRead}, {@code write}, finding the next handler. */
    PIPELINE("pipeline hops", new Color(0xa98bd8)),
    /** Frame decoders and encoders (ours, websocketx's, the length prefix), masking, the frame objects. */
    FRAMING("framing: decode, encode, mask", new Color(0xf0a040)),
    /** UTF-8 validation of text. */
    UTF8("UTF-8 validation", new Color(0xe8d44d)),
    /** WebSocket connection handlers: control frames, close state, idle timers, websocketx's protocol handler. */
    PROTOCOL("WebSocket protocol handlers", new Color(0xe06060)),
    /** Buffer and object allocation, reference counting, release. */
    BUFFERS("buffers: allocate, refcount, release", new Color(0x66bb6a)),
    /** The benchmark's echo handler. */
    APPLICATION("echo handler", new Color(0x4db6ac)),
    /** The JVM's own threads and runtime: GC, JIT compilers, safepoints. */
    JVM("JVM: GC, JIT, runtime", new Color(0xc8c8c8)),
    /** Nothing in the stack matched. */
    OTHER("other", new Color(0xe8e8e8));

    private static final List<String> UTF8_NAMES = List.of("utf8", "stringcoding", "charsetdecoder",
        "charsetencoder");
    private static final List<String> BUFFER_NAMES = List.of("PoolArena", "PoolThreadCache", "PooledByteBufAllocator",
        "AbstractByteBufAllocator", "Recycler", "PoolChunk", "PoolSubpage", "Adaptive", "ReferenceCountUpdater",
        "AbstractReferenceCountedByteBuf", "deallocate", "ReferenceCountUtil", "OptoRuntime::new", "MemAllocator",
        "TLAB", "Unpooled", "retainedDuplicate", "retainedSlice", "newDirectBuffer", "newHeapBuffer",
        "CollectedHeap::", "ObjectPool", "ByteBuf.release", "PooledByteBuf.", "Duplicated", "SlicedByteBuf",
        "RefCnt");
    private static final List<String> FRAMING_NAMES = List.of("dev/nettyws/frame/", "websocketx/WebSocket08Frame",
        "websocketx/WebSocket13Frame", "websocketx/WebSocketFrame", "websocketx/BinaryWebSocketFrame",
        "websocketx/TextWebSocketFrame", "ByteToMessageDecoder", "MessageToByteEncoder", "MessageToMessageEncoder",
        "MessageToMessageDecoder", "LengthFieldBasedFrameDecoder", "LengthFieldPrepender");
    private static final List<String> PROTOCOL_NAMES = List.of("dev/nettyws/protocol/", "dev/nettyws/server/",
        "dev/nettyws/handshake/", "dev/nettyws/deflate/", "dev/nettyws/transport/", "dev/nettyws/client/",
        "websocketx/", "io/netty/handler/timeout/");
    private static final List<String> PIPELINE_NAMES = List.of("AbstractChannelHandlerContext",
        "DefaultChannelPipeline", "ChannelInboundHandlerAdapter", "ChannelOutboundHandlerAdapter",
        "ChannelDuplexHandler", "ChannelHandlerMask", "CombinedChannelDuplexHandler", "ChannelHandlerAdapter");
    private static final List<String> TRANSPORT_NAMES = List.of("io/netty/channel/", "sun/nio/", "java/nio/",
        "io/netty/util/concurrent/", "io/netty/util/internal/", "Java_io_netty", "netty_", "io_uring");
    private static final List<String> JVM_NAMES = List.of("::", "thread_native_entry", "start_thread",
        "GC_active", "SafepointSynchronize", "Interpreter", "vtable stub", "itable stub", "call_stub");

    private final String label;
    private final Color color;

    CpuCategory(String label, Color color) {
        this.label = label;
        this.color = color;
    }

    /** How tables and legends name it. */
    String label() {
        return label;
    }

    /** Its colour in flame graphs. */
    Color color() {
        return color;
    }

    /**
     * The category of a stack.
     *
     * @param frames root first, leaf last
     * @return the category of the frame nearest the leaf that has one, or {@link #OTHER}
     */
    static CpuCategory of(String[] frames) {
        for (int i = frames.length - 1; i >= 0; i--) {
            CpuCategory category = ofFrame(frames[i]);
            if (category != null) {
                return category;
            }
        }
        return OTHER;
    }

    /**
     * The category one frame names.
     *
     * @param frame a frame as async-profiler writes it
     * @return its category, or null when it names none (its caller decides)
     */
    static CpuCategory ofFrame(String frame) {
        if (frame.endsWith("_[k]")) {
            return KERNEL;
        }
        String lower = frame.toLowerCase(java.util.Locale.ROOT);
        for (String name : UTF8_NAMES) {
            if (lower.contains(name)) {
                return UTF8;
            }
        }
        if (frame.startsWith("dev/nettyws/bench/")) {
            return APPLICATION;
        }
        CpuCategory[] ordered = {BUFFERS, FRAMING, PROTOCOL, PIPELINE, TRANSPORT, JVM};
        List<List<String>> names = List.of(BUFFER_NAMES, FRAMING_NAMES, PROTOCOL_NAMES, PIPELINE_NAMES,
            TRANSPORT_NAMES, JVM_NAMES);
        for (int c = 0; c < ordered.length; c++) {
            for (String name : names.get(c)) {
                if (frame.contains(name)) {
                    return ordered[c];
                }
            }
        }
        return null;
    }
}
