package dev.nettyws.testsupport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/** Hex vectors for tests, written the way the RFC prints them: {@code "81 05 48 65 6c 6c 6f"}. */
public final class Hex {
    private Hex() {
    }

    /** The bytes of a hex string; spaces are ignored. */
    public static byte[] bytes(String hex) {
        return ByteBufUtil.decodeHexDump(hex.replace(" ", ""));
    }

    /** A new unpooled buffer holding the bytes of a hex string. */
    public static ByteBuf buf(String hex) {
        return Unpooled.wrappedBuffer(bytes(hex));
    }

    /** The readable bytes of {@code buf} as lower-case hex pairs separated by spaces; indices unchanged. */
    public static String of(ByteBuf buf) {
        String dump = ByteBufUtil.hexDump(buf);
        StringBuilder spaced = new StringBuilder(dump.length() * 3 / 2);
        for (int i = 0; i < dump.length(); i += 2) {
            if (i > 0) {
                spaced.append(' ');
            }
            spaced.append(dump, i, i + 2);
        }
        return spaced.toString();
    }
}
