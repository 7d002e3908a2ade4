package dev.nettyws.example;

import dev.nettyws.example.client.ClientCommand;
import dev.nettyws.transport.Transport;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Entry point of {@code chat-server.jar}, one picocli command: without a subcommand it runs the example server
 * ({@code /echo}) until the process is stopped; {@code client URI} runs the terminal client ({@link ClientCommand}).
 * Options are parsed on the main thread, which then waits for the server socket to close.
 *
 * <p>Exit codes of the server: 1 when it cannot start (for example the port is taken), 2 for bad arguments.
 */
@Command(name = "chat-server", mixinStandardHelpOptions = true, sortOptions = false,
    subcommands = {ClientCommand.class},
    description = {
        "The nettyws example server: WebSocket echo at /echo (text as text, binary as binary, a fragmented message "
            + "as one message). Other paths get 404.",
        "Use the 'client' subcommand for a terminal WebSocket client."
    })
public final class Main implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    @Spec
    private CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
        description = "Address to listen on; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE}).")
    private String host;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "N",
        description = "TCP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = "--transport", defaultValue = "auto", paramLabel = "auto|epoll|nio",
        description = "Socket transport; auto is epoll when available, else nio (default: ${DEFAULT-VALUE}).")
    private Transport transport;

    @Option(names = "--max-message-bytes", defaultValue = "" + ExampleServer.DEFAULT_MAX_MESSAGE_BYTES,
        paramLabel = "N", description = "Largest /echo frame and message in bytes; a bigger one is closed with "
            + "1009 (default: ${DEFAULT-VALUE}, 16 MiB).")
    private int maxMessageBytes;

    @Option(names = "--no-deflate", description = "Do not negotiate permessage-deflate (RFC 7692) on /echo.")
    private boolean noDeflate;

    /**
     * Runs the command line and exits with its code.
     *
     * @param args options, or a subcommand and its arguments; {@code --help} lists them
     */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line parser; transport names are case-insensitive. */
    static CommandLine commandLine() {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public Integer call() {
        if (port < 0 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "--port must be 0-65535: " + port);
        }
        if (maxMessageBytes < 0) {
            throw new ParameterException(spec.commandLine(), "--max-message-bytes must be >= 0: " + maxMessageBytes);
        }
        ExampleServer server;
        try {
            server = ExampleServer.start(transport, new InetSocketAddress(host, port),
                ExampleServer.echoConfig(maxMessageBytes, !noDeflate), ConnectionListener.NONE);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.error("cannot listen on {}:{} ({}): {}", host, port, transport, e.toString());
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "chat-server-shutdown"));
        InetSocketAddress bound = server.localAddress();
        LOG.info("listening on {}:{} with transport {}; echo at {} (max message {} bytes, permessage-deflate {})",
            bound.getAddress().getHostAddress(), bound.getPort(), server.transport().displayName(),
            server.echoUri(), maxMessageBytes, noDeflate ? "off" : "on");
        server.awaitClose();
        return 0;
    }
}
