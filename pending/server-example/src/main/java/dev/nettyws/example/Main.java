package dev.nettyws.example;

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
 * Entry point of {@code chat-server.jar}: by default starts the example server ({@code /echo}) and runs until the
 * process is stopped. Options are parsed by picocli on the main thread.
 */
@Command(name = "chat-server", mixinStandardHelpOptions = true, sortOptions = false,
    description = "The nettyws example server: WebSocket echo at /echo (text as text, binary as binary).")
public final class Main implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    @Spec
    private CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
        description = "Address to listen on; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8080",
        description = "TCP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--transport", defaultValue = "auto", paramLabel = "auto|epoll|nio",
        description = "Socket transport; auto is epoll on Linux when available, else nio (default: ${DEFAULT-VALUE}).")
    Transport transport;

    @Option(names = "--max-message-bytes", defaultValue = "" + ExampleServer.DEFAULT_MAX_MESSAGE_BYTES,
        paramLabel = "N",
        description = "Largest /echo frame and message in bytes (default: ${DEFAULT-VALUE}, 16 MiB).")
    int maxMessageBytes;

    /**
     * Runs the command line and exits with its code: 0, 1 when the server fails, 2 for bad arguments.
     *
     * @param args the arguments; {@code --help} lists them
     */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line parser, with the case-insensitive transport names. */
    static CommandLine commandLine() {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public Integer call() throws InterruptedException {
        if (port < 0 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "--port must be 0-65535: " + port);
        }
        if (maxMessageBytes < 0) {
            throw new ParameterException(spec.commandLine(), "--max-message-bytes must be >= 0: " + maxMessageBytes);
        }
        ExampleServer server = ExampleServer.start(transport, new InetSocketAddress(host, port), maxMessageBytes,
            ConnectionListener.NONE);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "chat-server-shutdown"));
        LOG.info("nettyws example server listening on {} (transport {}, max message {} bytes)", server.echoUri(),
            server.transport().displayName(), maxMessageBytes);
        server.awaitClose();
        return 0;
    }
}
