package dev.nettyws.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The example in the README's "Testing your handlers" section is the source of {@code readme/ShoutHandlerTest}
 * (without its package line), which runs in the build: so the README's example compiles and passes.
 */
class ReadmeExampleTest {
    private static final String SECTION = "## Testing your handlers";

    @Test
    void readmeExampleIsTheSourceOfATestThatRuns() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        int section = readme.indexOf(SECTION);
        assertTrue(section >= 0, "README has no section " + SECTION);
        int start = readme.indexOf("```java\n", section);
        assertTrue(start >= 0, "no java block in " + SECTION);
        start += "```java\n".length();
        String example = readme.substring(start, readme.indexOf("```", start));

        String source = Files.readString(Path.of("src", "test", "java", "dev", "nettyws", "testkit", "readme",
            "ShoutHandlerTest.java"), StandardCharsets.UTF_8);
        String withoutPackage = source.substring(source.indexOf('\n') + 1).stripLeading();
        assertEquals(withoutPackage, example, "the README example and readme/ShoutHandlerTest.java differ");
    }
}
