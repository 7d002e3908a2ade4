package com.example.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.server.WebSocketServer;
import dev.nettyws.testkit.WebSocketServerTester;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** What the installed jars carry for their users: a stable module name each, and the license. */
class JarsTest {
    private static Path jarOf(Class<?> type) throws URISyntaxException {
        Path jar = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertTrue(Files.isRegularFile(jar), "built against a jar, not a class folder: " + jar);
        return jar;
    }

    private static void assertJar(Class<?> type, String moduleName) throws Exception {
        Path jar = jarOf(type);
        Set<ModuleReference> modules = ModuleFinder.of(jar).findAll();
        assertEquals(1, modules.size());
        assertEquals(moduleName, modules.iterator().next().descriptor().name(), "Automatic-Module-Name of " + jar);
        try (JarFile file = new JarFile(jar.toFile())) {
            assertNotNull(file.getEntry("META-INF/LICENSE"), "LICENSE in " + jar);
        }
    }

    @Test
    void codecJar() throws Exception {
        assertJar(WebSocketServer.class, "dev.nettyws.codec");
    }

    @Test
    void testkitJar() throws Exception {
        assertJar(WebSocketServerTester.class, "dev.nettyws.testkit");
    }
}
