package dev.nettyws.example.chat;

import java.util.regex.Pattern;

/**
 * The rules for nicks and room names: 1 to {@value #MAX_NICK_LENGTH} (nicks) or {@value #MAX_ROOM_LENGTH} (rooms)
 * letters, digits, {@code _}, {@code -} and {@code .}. Letters and digits of any script are allowed; spaces, control
 * characters and markup are not, so names can be shown anywhere without escaping surprises. Stateless.
 */
public final class ChatNames {
    /** The longest nick. */
    public static final int MAX_NICK_LENGTH = 24;
    /** The longest room name. */
    public static final int MAX_ROOM_LENGTH = 32;
    /** The room of a request without one. */
    public static final String DEFAULT_ROOM = "lobby";

    private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N}_.\\-]+");

    private ChatNames() {
    }

    /** Why {@code nick} is not acceptable, or null if it is. */
    public static String checkNick(String nick) {
        return check("nick", nick, MAX_NICK_LENGTH);
    }

    /** Why {@code room} is not acceptable, or null if it is. */
    public static String checkRoom(String room) {
        return check("room", room, MAX_ROOM_LENGTH);
    }

    private static String check(String what, String value, int maxLength) {
        if (value == null || value.isEmpty()) {
            return what + " required";
        }
        if (value.codePointCount(0, value.length()) > maxLength) {
            return what + " longer than " + maxLength + " characters";
        }
        if (!NAME.matcher(value).matches()) {
            return what + " may only hold letters, digits, '_', '-' and '.'";
        }
        return null;
    }
}
