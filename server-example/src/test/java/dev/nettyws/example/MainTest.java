package dev.nettyws.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.transport.Transport;
import java.io.PrintWriter;
import java.io.StringWriter;
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
        assertEquals(16 << 20, (int) option(commandLine, "--max-message-bytes"));
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
    void clientSubcommandIsKept() {
        CommandLine commandLine = Main.commandLine();
        assertTrue(commandLine.getSubcommands().containsKey("client"), commandLine.getSubcommands()::toString);
    }
}
