package dev.nettyws.example.chat;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.text.SpoofChecker;
import java.util.regex.Pattern;

/**
 * The rules for nicks and room names: 1 to {@value #MAX_NICK_LENGTH} (nicks) or {@value #MAX_ROOM_LENGTH} (rooms)
 * letters, digits, {@code _}, {@code -} and {@code .}. Letters and digits of any script are allowed; spaces, control
 * characters and markup are not, so names can be shown anywhere without escaping surprises. A nick the server
 * gives because the one asked for was taken carries a suffix after {@value #SUFFIX_SEPARATOR}, which a client
 * cannot ask for, so {@code alice#2} is never someone who picked that name.
 *
 * <p>Two nicks that read the same are the same nick: {@link #key} folds case and maps look-alike characters to a
 * common skeleton (Unicode Technical Standard #39, ICU4J's {@link SpoofChecker}). Stateless and thread-safe (the
 * spoof checker is immutable).
 */
public final class ChatNames {
    /** The longest nick a client may ask for (a suffix the server adds comes on top). */
    public static final int MAX_NICK_LENGTH = 24;
    /** The longest room name. */
    public static final int MAX_ROOM_LENGTH = 32;
    /** The room of a request without one. */
    public static final String DEFAULT_ROOM = "lobby";
    /** Between a nick and the number the server adds when it is taken. */
    public static final char SUFFIX_SEPARATOR = '#';

    private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N}_.\\-]+");
    private static final SpoofChecker SKELETONS = new SpoofChecker.Builder().build();

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

    /**
     * What makes two nicks the same to a reader: the nick case folded (Unicode full folding), then its confusable
     * skeleton, so {@code Alice}, {@code ALICE}, {@code a1ice} and {@code аlice} (Cyrillic {@code а}) share the key
     * {@code alice}.
     */
    public static String key(String nick) {
        return SKELETONS.getSkeleton(UCharacter.foldCase(nick, true));
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
