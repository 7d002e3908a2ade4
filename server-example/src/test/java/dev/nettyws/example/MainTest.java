package dev.nettyws.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.transport.Transport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line of {@code chat-server.jar}: server options, their defaults, and the {@code client} subcommand. */
class MainTest {
    private static Object option(CommandLine commandLine, String name) {
        return commandLine.getCommandSpec().findOption(name).getValue();
    }

    @Test
    void defaultsServeEchoOnLoopbackPort8080With16MiBMessages() {
        CommandLine commandLine = Main.commandLine();
        commandLine.parseArgs();
        assertEquals("127.0.0.1", option(commandLine, "--host"));
        assertEquals(8080, (int) option(commandLine, "--port"));
        assertEquals(Transport.AUTO, option(commandLine, "--transport"));
        assertEquals(1 << 20, (int) option(commandLine, "--max-message-bytes"));
    }

    @Test
    void permessageDeflateIsOnByDefaultAndNoDeflateSwitchesItOff() {
        CommandLine commandLine = Main.commandLine();
        commandLine.parseArgs();
        assertEquals(false, option(commandLine, "--no-deflate"));
        commandLine = Main.commandLine();
        commandLine.parseArgs("--no-deflate");
        assertEquals(true, option(commandLine, "--no-deflate"));
        assertNotNull(ExampleServer.echoConfig(1024).compression(), "/echo negotiates permessage-deflate");
        assertNull(ExampleServer.echoConfig(1024, false).compression());
    }

    @Test
    void transportNamesAreCaseInsensitive() {
        CommandLine commandLine = Main.commandLine();
        commandLine.parseArgs("--transport", "nio", "--port", "0", "--host", "0.0.0.0");
        assertEquals(Transport.NIO, option(commandLine, "--transport"));
        assertEquals(0, (int) option(commandLine, "--port"));
        assertEquals("0.0.0.0", option(commandLine, "--host"));
        commandLine.parseArgs("--transport", "io_uring");
        assertEquals(Transport.IO_URING, option(commandLine, "--transport"));
    }

    @Test
    void portOutOfRangeExitsWith2BeforeStartingAnything() {
        CommandLine commandLine = Main.commandLine();
        StringWriter err = new StringWriter();
        commandLine.setErr(new PrintWriter(err, true));
        assertEquals(2, commandLine.execute("--port", "70000"));
        assertTrue(err.toString().startsWith("--port must be 0-65535: 70000"), err::toString);
    }

    @Test
    void negativeMaxMessageBytesExitsWith2() {
        CommandLine commandLine = Main.commandLine();
        StringWriter err = new StringWriter();
        commandLine.setErr(new PrintWriter(err, true));
        assertEquals(2, commandLine.execute("--max-message-bytes", "-1"));
        assertTrue(err.toString().startsWith("--max-message-bytes must be >= 0: -1"), err::toString);
    }

    @Test
    void unreachableRedisExitsWith1WithoutListening() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        assertEquals(1, Main.commandLine().execute("--port", "0", "--redis", "redis://127.0.0.1:" + closedPort));
    }

    @Test
    void metricsPortOutOfRangeExitsWith2() {
        CommandLine commandLine = Main.commandLine();
        StringWriter err = new StringWriter();
        commandLine.setErr(new PrintWriter(err, true));
        assertEquals(2, commandLine.execute("--metrics-port", "-1"));
        assertTrue(err.toString().startsWith("--metrics-port must be 0-65535: -1"), err::toString);
    }

    @Test
    void clientSubcommandIsKept() {
        CommandLine commandLine = Main.commandLine();
        assertTrue(commandLine.getSubcommands().containsKey("client"), commandLine.getSubcommands()::toString);
    }

    @Test
    void chatOptionsAndTheirDefaults() {
        CommandLine commandLine = Main.commandLine();
        commandLine.parseArgs();
        assertEquals(100, (int) option(commandLine, "--history"));
        assertEquals(4096, (int) option(commandLine, "--max-text-bytes"));
        assertEquals(300, (int) option(commandLine, "--idle-timeout"));
        assertEquals(false, option(commandLine, "--tls"));
        commandLine = Main.commandLine();
        commandLine.parseArgs("--history", "5", "--idle-timeout", "0", "--tls", "--max-text-bytes", "100");
        assertEquals(5, (int) option(commandLine, "--history"));
        assertEquals(0, (int) option(commandLine, "--idle-timeout"));
        assertEquals(true, option(commandLine, "--tls"));
    }

    @Test
    void accessOptionsAndTheirDefaults() {
        CommandLine commandLine = Main.commandLine();
        commandLine.parseArgs();
        assertEquals(List.of(), option(commandLine, "--allowed-origins"));
        assertEquals(List.of(), option(commandLine, "--allowed-hosts"));
        assertEquals(256, (int) option(commandLine, "--max-connections-per-address"));
        commandLine = Main.commandLine();
        commandLine.parseArgs("--allowed-origins", "https://a.example,https://b.example", "--allowed-hosts",
            "chat.example.com", "--allowed-hosts", ".example.org", "--max-connections-per-address", "0");
        assertEquals(List.of("https://a.example", "https://b.example"), option(commandLine, "--allowed-origins"));
        assertEquals(List.of("chat.example.com", ".example.org"), option(commandLine, "--allowed-hosts"));
        assertEquals(0, (int) option(commandLine, "--max-connections-per-address"));
    }

    @Test
    void badChatOptionsExitWith2() {
        List<String[]> bad = List.of(new String[] {"--history", "-1"}, new String[] {"--max-text-bytes", "0"},
            new String[] {"--idle-timeout", "-5"}, new String[] {"--cert", "cert.pem"},
            new String[] {"--allowed-origins", "chat.example.com"}, new String[] {"--allowed-hosts", "bad host"},
            new String[] {"--max-connections-per-address", "-1"});
        for (String[] args : bad) {
            CommandLine commandLine = Main.commandLine();
            StringWriter err = new StringWriter();
            commandLine.setErr(new PrintWriter(err, true));
            assertEquals(2, commandLine.execute(args), () -> String.join(" ", args) + ": " + err);
        }
    }

    @Test
    void helpListsEveryServerOption() {
        StringWriter out = new StringWriter();
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        assertEquals(0, commandLine.execute("--help"));
        List<String> options = List.of("--host", "--port", "--transport", "--tls", "--cert", "--key",
            "--max-message-bytes", "--max-text-bytes", "--history", "--idle-timeout", "--allowed-origins",
            "--allowed-hosts", "--max-connections-per-address", "--help", "client");
        for (String option : options) {
            assertTrue(out.toString().contains(option), option + " in\n" + out);
        }
    }
}
