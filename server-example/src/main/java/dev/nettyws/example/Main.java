package dev.nettyws.example;

import dev.nettyws.example.client.ClientCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code chat-server.jar}: a picocli command whose subcommands are the tools ({@code client}). Without
 * a subcommand it will run the server; the echo and chat services arrive with their own issues.
 */
@Command(name = "chat-server", mixinStandardHelpOptions = true, subcommands = {ClientCommand.class},
    description = "nettyws example server and tools.")
public final class Main implements Runnable {
    @Override
    public void run() {
        System.out.println("nettyws example server: not implemented yet (see the server-side issue)");
    }

    /**
     * Runs the command line and exits with its code.
     *
     * @param args a subcommand and its arguments, or nothing
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
