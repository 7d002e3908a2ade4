package dev.nettyws.internal;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * Incremental UTF-8 validation (RFC 3629, as RFC 6455 §8.1 requires) as a deterministic automaton whose whole
 * state is one {@code int}, so a text message can be checked fragment by fragment and a frame chunk by chunk, and
 * fail at the first byte after which no valid continuation exists (overlong forms, surrogates, code points above
 * U+10FFFF, stray continuation bytes).
 *
 * <p>The automaton is derived here from the grammar of RFC 3629 §4 rather than written as a literal table: bytes
 * are grouped into classes that the grammar treats alike, and each state names what the sequence still needs.
 *
 * <p>Stateless; usable from any thread.
 */
public final class Utf8Validator {
    /** The state between characters: everything so far is valid UTF-8. Also the initial state. */
    public static final int ACCEPT = 0;
    /** The sink state: no continuation makes the input valid. */
    public static final int REJECT = 1;

    // States that are in the middle of a character, named after what they still need.
    private static final int NEED_1 = 2;
    private static final int NEED_2 = 3;
    private static final int AFTER_E0 = 4;
    private static final int AFTER_ED = 5;
    private static final int AFTER_F0 = 6;
    private static final int NEED_3 = 7;
    private static final int AFTER_F4 = 8;
    private static final int STATES = 9;

    // Byte classes.
    private static final int ASCII = 0;
    private static final int CONT_80_8F = 1;
    private static final int CONT_90_9F = 2;
    private static final int CONT_A0_BF = 3;
    private static final int LEAD_2 = 4;
    private static final int LEAD_E0 = 5;
    private static final int LEAD_3 = 6;
    private static final int LEAD_ED = 7;
    private static final int LEAD_F0 = 8;
    private static final int LEAD_4 = 9;
    private static final int LEAD_F4 = 10;
    private static final int INVALID = 11;
    private static final int CLASSES = 12;

    private static final byte[] CLASS_OF = new byte[256];
    private static final byte[] NEXT = new byte[STATES * CLASSES];

    private static final long ASCII_MASK = 0x8080808080808080L;

    static {
        for (int b = 0; b < 256; b++) {
            CLASS_OF[b] = (byte) classify(b);
        }
        Arrays.fill(NEXT, (byte) REJECT);
        transition(ACCEPT, ASCII, ACCEPT);
        transition(ACCEPT, LEAD_2, NEED_1);
        transition(ACCEPT, LEAD_E0, AFTER_E0);
        transition(ACCEPT, LEAD_3, NEED_2);
        transition(ACCEPT, LEAD_ED, AFTER_ED);
        transition(ACCEPT, LEAD_F0, AFTER_F0);
        transition(ACCEPT, LEAD_4, NEED_3);
        transition(ACCEPT, LEAD_F4, AFTER_F4);
        for (int cont = CONT_80_8F; cont <= CONT_A0_BF; cont++) {
            transition(NEED_1, cont, ACCEPT);
            transition(NEED_2, cont, NEED_1);
            transition(NEED_3, cont, NEED_2);
        }
        // E0 A0..BF: below A0 would be an overlong three-byte form.
        transition(AFTER_E0, CONT_A0_BF, NEED_1);
        // ED 80..9F: A0..BF would encode a UTF-16 surrogate (U+D800..U+DFFF).
        transition(AFTER_ED, CONT_80_8F, NEED_1);
        transition(AFTER_ED, CONT_90_9F, NEED_1);
        // F0 90..BF: below 90 would be an overlong four-byte form.
        transition(AFTER_F0, CONT_90_9F, NEED_2);
        transition(AFTER_F0, CONT_A0_BF, NEED_2);
        // F4 80..8F: 90 and above would exceed U+10FFFF.
        transition(AFTER_F4, CONT_80_8F, NEED_2);
    }

    private Utf8Validator() {
    }

    private static int classify(int b) {
        if (b < 0x80) {
            return ASCII;
        } else if (b < 0x90) {
            return CONT_80_8F;
        } else if (b < 0xA0) {
            return CONT_90_9F;
        } else if (b < 0xC0) {
            return CONT_A0_BF;
        } else if (b < 0xC2) {
            return INVALID; // C0, C1: always overlong
        } else if (b < 0xE0) {
            return LEAD_2;
        } else if (b == 0xE0) {
            return LEAD_E0;
        } else if (b == 0xED) {
            return LEAD_ED;
        } else if (b < 0xF0) {
            return LEAD_3;
        } else if (b == 0xF0) {
            return LEAD_F0;
        } else if (b < 0xF4) {
            return LEAD_4;
        } else if (b == 0xF4) {
            return LEAD_F4;
        }
        return INVALID; // F5..FF: beyond U+10FFFF or not UTF-8 at all
    }

    private static void transition(int from, int byteClass, int to) {
        NEXT[from * CLASSES + byteClass] = (byte) to;
    }

    /**
     * Feeds bytes to the automaton.
     *
     * @param state the state after the previous bytes ({@link #ACCEPT} at the start of a message)
     * @param buf the bytes; indices are absolute, reader and writer indices are not changed
     * @param index the first byte
     * @param length how many bytes
     * @return the new state: {@link #REJECT} as soon as the input can no longer be valid, {@link #ACCEPT} when it
     *     ends between characters, anything else when it ends inside a character
     */
    public static int update(int state, ByteBuf buf, int index, int length) {
        if (length >= 8) {
            // Straight to memory: one liveness and bounds check for the run instead of one per long read.
            if (RawBytes.hasAddress(buf)) {
                long address = RawBytes.address(buf);
                RawBytes.checkRun(buf, index, length);
                return update(state, address + index, length);
            }
            if (buf.hasArray()) {
                byte[] array = buf.array();
                RawBytes.checkRun(buf, index, length);
                return update(state, array, buf.arrayOffset() + index, length);
            }
        }
        int end = index + length;
        int i = index;
        while (i < end) {
            if (state == ACCEPT) {
                // Text is mostly ASCII: skip eight ASCII bytes at a time between characters.
                while (i + 8 <= end && (buf.getLong(i) & ASCII_MASK) == 0) {
                    i += 8;
                }
                if (i == end) {
                    break;
                }
            }
            state = NEXT[state * CLASSES + CLASS_OF[buf.getByte(i) & 0xFF]];
            if (state == REJECT) {
                return REJECT;
            }
            i++;
        }
        return state;
    }

    /** {@link #update(int, ByteBuf, int, int)} on memory at an address. */
    private static int update(int state, long address, int length) {
        int i = 0;
        while (i < length) {
            if (state == ACCEPT) {
                // ASCII_MASK has the same bytes in either order: no byte swap needed.
                while (i < length - 7 && (RawBytes.getLong(address + i) & ASCII_MASK) == 0) {
                    i += 8;
                }
                if (i == length) {
                    break;
                }
            }
            state = NEXT[state * CLASSES + CLASS_OF[RawBytes.getByte(address + i) & 0xFF]];
            if (state == REJECT) {
                return REJECT;
            }
            i++;
        }
        return state;
    }

    /** {@link #update(int, ByteBuf, int, int)} on an array. */
    private static int update(int state, byte[] array, int index, int length) {
        int end = index + length;
        int i = index;
        while (i < end) {
            if (state == ACCEPT) {
                while (i < end - 7 && (RawBytes.getLong(array, i) & ASCII_MASK) == 0) {
                    i += 8;
                }
                if (i == end) {
                    break;
                }
            }
            state = NEXT[state * CLASSES + CLASS_OF[array[i] & 0xFF]];
            if (state == REJECT) {
                return REJECT;
            }
            i++;
        }
        return state;
    }

    /** Whether {@code length} bytes at {@code index} are, alone, complete and valid UTF-8. */
    public static boolean isValid(ByteBuf buf, int index, int length) {
        return update(ACCEPT, buf, index, length) == ACCEPT;
    }
}
