package dev.nettyws.frame;

import dev.nettyws.testsupport.FrameBytes;
import dev.nettyws.testsupport.Hex;
import java.util.stream.Stream;

/**
 * The UTF-8 validity table (RFC 3629 §3-4, as RFC 6455 §8.1 requires), modelled on the Autobahn 6.x cases. Each case
 * says where the input stops being a prefix of valid UTF-8: {@code failAt} is the index of the first byte after
 * which no continuation can make the input valid, {@code bytes.length} when the input is only incomplete (it fails
 * when the message ends), and -1 when the input is valid.
 */
final class Utf8Cases {
    private Utf8Cases() {
    }

    /**
     * One case.
     *
     * @param name what it shows
     * @param bytes the input
     * @param failAt see the class comment
     */
    record Utf8Case(String name, byte[] bytes, int failAt) {
        boolean valid() {
            return failAt < 0;
        }

        /** Invalid only because the input ends inside a character. */
        boolean truncated() {
            return failAt == bytes.length;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static Utf8Case valid(String name, String hex) {
        return new Utf8Case(name, Hex.bytes(hex), -1);
    }

    private static Utf8Case invalid(String name, String hex, int failAt) {
        return new Utf8Case(name, Hex.bytes(hex), failAt);
    }

    private static Utf8Case truncated(String name, String hex) {
        byte[] bytes = Hex.bytes(hex);
        return new Utf8Case(name, bytes, bytes.length);
    }

    /** {@code length} ASCII letters as hex, to exercise the validator's eight-bytes-at-a-time path. */
    private static String ascii(int length) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < length; i++) {
            hex.append(Integer.toHexString('a' + i % 26)).append(' ');
        }
        return hex.toString();
    }

    /** Every case. */
    static Stream<Utf8Case> all() {
        return Stream.concat(validCases(), invalidCases());
    }

    /** The valid cases. */
    static Stream<Utf8Case> validCases() {
        return Stream.of(
            valid("empty", ""),
            valid("U+0000", "00"),
            valid("U+007F last 1-byte", "7f"),
            valid("U+0080 first 2-byte", "c2 80"),
            valid("U+07FF last 2-byte", "df bf"),
            valid("U+0800 first 3-byte", "e0 a0 80"),
            valid("U+D7FF last before surrogates", "ed 9f bf"),
            valid("U+E000 first after surrogates", "ee 80 80"),
            valid("U+FFFD replacement character", "ef bf bd"),
            valid("U+FFFE noncharacter", "ef bf be"),
            valid("U+FFFF last 3-byte", "ef bf bf"),
            valid("U+10000 first 4-byte", "f0 90 80 80"),
            valid("U+10FFFF last code point", "f4 8f bf bf"),
            valid("Autobahn 6.2 kosme", "ce ba e1 bd b9 cf 83 ce bc ce b5"),
            new Utf8Case("Autobahn 6.2 Hello-µ@ßöäüàá-UTF-8!!",
                FrameBytes.utf8("Hello-\u00b5@\u00df\u00f6\u00e4\u00fc\u00e0\u00e1-UTF-8!!"), -1),
            valid("ASCII run then U+1F600", ascii(17) + " f0 9f 98 80"),
            valid("every length class", "41 c3 a9 e2 82 ac f0 9f 98 80 41"));
    }

    /** The invalid cases. */
    static Stream<Utf8Case> invalidCases() {
        return Stream.of(
            invalid("overlong U+0000 C0 80", "c0 80", 0),
            invalid("overlong U+007F C1 BF", "c1 bf", 0),
            invalid("overlong U+0000 E0 80 80", "e0 80 80", 1),
            invalid("overlong U+07FF E0 9F BF", "e0 9f bf", 1),
            invalid("overlong U+0000 F0 80 80 80", "f0 80 80 80", 1),
            invalid("overlong U+FFFF F0 8F BF BF", "f0 8f bf bf", 1),
            invalid("5-byte form F8 88 80 80 80", "f8 88 80 80 80", 0),
            invalid("6-byte form FC 84 80 80 80 80", "fc 84 80 80 80 80", 0),
            invalid("surrogate U+D800 ED A0 80", "ed a0 80", 1),
            invalid("surrogate U+DB7F ED AD BF", "ed ad bf", 1),
            invalid("surrogate U+DC00 ED B0 80", "ed b0 80", 1),
            invalid("surrogate U+DFFF ED BF BF", "ed bf bf", 1),
            invalid("surrogate pair U+D800 U+DC00", "ed a0 80 ed b0 80", 1),
            invalid("U+110000 F4 90 80 80", "f4 90 80 80", 1),
            invalid("F4 BF BF BF", "f4 bf bf bf", 1),
            invalid("F5 80 80 80", "f5 80 80 80", 0),
            invalid("F7 BF BF BF", "f7 bf bf bf", 0),
            invalid("FE", "fe", 0),
            invalid("FF", "ff", 0),
            invalid("stray continuation 80", "80", 0),
            invalid("stray continuation BF", "bf", 0),
            invalid("stray continuation between ASCII", "41 80 42", 1),
            invalid("continuation after a complete character", "c2 80 80", 2),
            invalid("2-byte lead then ASCII", "c2 41", 1),
            invalid("3-byte lead then ASCII", "e1 80 41", 2),
            invalid("4-byte lead then ASCII", "f1 80 80 41", 3),
            invalid("lead then lead", "c2 c2 80", 1),
            invalid("Autobahn 6.3.1 kosme, surrogate, edited",
                "ce ba e1 bd b9 cf 83 ce bc ce b5 ed a0 80 65 64 69 74 65 64", 12),
            invalid("Autobahn 6.4.1 kosme, U+110000, edited",
                "ce ba e1 bd b9 cf 83 ce bc ce b5 f4 90 80 80 65 64 69 74 65 64", 12),
            invalid("Hello then FF", "48 65 6c 6c 6f ff", 5),
            invalid("ASCII run then FF", ascii(17) + " ff", 17),
            invalid("ASCII run then overlong", ascii(16) + " e0 80 80", 17),
            truncated("truncated 2-byte C2", "c2"),
            truncated("truncated 3-byte E1 80", "e1 80"),
            truncated("truncated 3-byte E0 A0", "e0 a0"),
            truncated("truncated 3-byte ED 9F", "ed 9f"),
            truncated("truncated 4-byte F0 90 80", "f0 90 80"),
            truncated("truncated 4-byte F4 8F BF", "f4 8f bf"),
            truncated("kosme cut after 1 byte", "ce"),
            truncated("kosme cut inside the 4th character", "ce ba e1 bd b9 cf 83 ce"),
            truncated("ASCII run then truncated", ascii(16) + " e2 82"));
    }
}
