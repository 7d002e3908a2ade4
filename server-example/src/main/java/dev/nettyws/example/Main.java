package dev.nettyws.example;

/**
 * Entry point of {@code chat-server.jar}. The echo and chat services arrive with their own issues.
 */
public final class Main {
    private Main() {
    }

    /**
     * Prints what the server will do.
     *
     * @param args ignored for now
     */
    public static void main(String[] args) {
        System.out.println("nettyws example server: not implemented yet (see the server-side issue)");
    }
}
