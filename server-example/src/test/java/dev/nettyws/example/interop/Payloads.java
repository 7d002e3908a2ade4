package dev.nettyws.example.interop;

import java.util.Random;

/** Seeded test payloads, so a failing run can be repeated byte for byte. */
final class Payloads {
    /** The sizes every client echoes: empty, the 7-bit maximum, the first 16-bit length, 64 KiB (64-bit), 1 MiB. */
    static final int[] SIZES = {0, 125, 126, 64 * 1024, 1024 * 1024};

    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ";

    private Payloads() {
    }

    /** ASCII text of exactly {@code size} UTF-8 bytes. */
    static String text(int size, long seed) {
        Random random = new Random(seed);
        StringBuilder text = new StringBuilder(size);
        for (int i = 0; i < size; i++) {
            text.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return text.toString();
    }

    /** Random bytes. */
    static byte[] bytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
