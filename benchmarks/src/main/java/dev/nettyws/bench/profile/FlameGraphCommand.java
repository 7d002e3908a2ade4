package dev.nettyws.bench.profile;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Renders async-profiler's collapsed stacks ({@link ServerProfiler}) as flame graph pictures for the README, one
 * PNG next to each input, every frame coloured by its {@link CpuCategory}, and writes one Markdown summary with the
 * profiles side by side: the share of CPU samples per category (self time: a sample counts for the category of the
 * frame nearest its leaf that has one) and the hottest leaf frames of each profile.
 *
 * <p>Runs headless on the main thread; reads and writes files only.
 */
@Command(name = "flame-graph", mixinStandardHelpOptions = true,
    description = "Flame graph PNGs and a category summary from async-profiler collapsed stacks.")
public final class FlameGraphCommand implements Callable<Integer> {
    private static final int WIDTH = 1600;
    private static final int ROW = 15;
    private static final int MAX_DEPTH = 90;
    private static final int HEADER = 56;
    private static final int TOP_FRAMES = 12;

    @Parameters(description = "collapsed stack files (NAME.collapsed or NAME.collapsed.gz); each gets NAME.png")
    private List<Path> inputs;

    @Option(names = "--summary", required = true, description = "the Markdown summary to write")
    private Path summary;

    /** A node of the merged call tree. */
    private static final class Node {
        final String name;
        final Map<String, Node> children = new LinkedHashMap<>();
        final EnumMap<CpuCategory, Long> self = new EnumMap<>(CpuCategory.class);
        long samples;

        Node(String name) {
            this.name = name;
        }
    }

    /** One profile, parsed. */
    private static final class Profile {
        final String name;
        final Node root = new Node("all");
        final EnumMap<CpuCategory, Long> categories = new EnumMap<>(CpuCategory.class);
        final Map<String, Long> leaves = new HashMap<>();
        long samples;

        Profile(String name) {
            this.name = name;
        }
    }

    /**
     * Renders the pictures and the summary.
     *
     * @param args see {@code --help}
     */
    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(new CommandLine(new FlameGraphCommand()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        List<Profile> profiles = new ArrayList<>();
        for (Path input : inputs) {
            Profile profile = parse(input);
            profiles.add(profile);
            Path png = input.resolveSibling(profile.name + ".png");
            ImageIO.write(render(profile), "png", png.toFile());
            System.out.println("wrote " + png);
        }
        String markdown = summarize(profiles);
        Files.writeString(summary, markdown, StandardCharsets.UTF_8);
        System.out.print(markdown);
        System.out.println("wrote " + summary);
        return 0;
    }

    private static Profile parse(Path input) throws IOException {
        String file = input.getFileName().toString();
        boolean gzip = file.endsWith(".gz");
        String name = gzip ? file.substring(0, file.length() - 3) : file;
        Profile profile = new Profile(name.endsWith(".collapsed") ? name.substring(0, name.length() - 10) : name);
        List<String> lines;
        if (gzip) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(input))) {
                lines = List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"));
            }
        } else {
            lines = Files.readAllLines(input, StandardCharsets.UTF_8);
        }
        for (String line : lines) {
            int space = line.lastIndexOf(' ');
            if (space <= 0) {
                continue;
            }
            long count = Long.parseLong(line.substring(space + 1).trim());
            String[] frames = line.substring(0, space).split(";");
            CpuCategory category = CpuCategory.of(frames);
            profile.samples += count;
            profile.categories.merge(category, count, Long::sum);
            profile.leaves.merge(frames[frames.length - 1], count, Long::sum);
            Node node = profile.root;
            node.samples += count;
            for (String frame : frames) {
                node = node.children.computeIfAbsent(frame, Node::new);
                node.samples += count;
            }
            node.self.merge(category, count, Long::sum);
        }
        return profile;
    }

    private static BufferedImage render(Profile profile) {
        int depth = Math.min(MAX_DEPTH, depthOf(profile.root));
        int height = HEADER + (depth + 1) * ROW + 4;
        BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(profile.name + ": " + profile.samples + " CPU samples of 1 ms (server thread and JVM), self time"
            + " coloured by category", 8, 18);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        int x = 8;
        for (CpuCategory category : CpuCategory.values()) {
            long count = profile.categories.getOrDefault(category, 0L);
            String text = String.format(Locale.ROOT, "%s %.0f%%", category.label(), 100.0 * count / profile.samples);
            int w = g.getFontMetrics().stringWidth(text) + 22;
            if (x + w > WIDTH) {
                break;
            }
            g.setColor(category.color());
            g.fillRect(x, 30, 12, 12);
            g.setColor(Color.BLACK);
            g.drawString(text, x + 16, 40);
            x += w;
        }
        // Root at the bottom, as flame graphs are drawn.
        draw(g, profile.root, 0, 0, WIDTH, (double) WIDTH / profile.root.samples, height - ROW - 2, depth);
        g.dispose();
        return image;
    }

    private static int depthOf(Node node) {
        int max = 0;
        for (Node child : node.children.values()) {
            max = Math.max(max, depthOf(child) + 1);
        }
        return max;
    }

    private static void draw(Graphics2D g, Node node, int level, double x, double width, double scale, int bottom,
                             int maxDepth) {
        if (width < 0.5 || level > maxDepth) {
            return;
        }
        int y = bottom - level * ROW;
        g.setColor(colorOf(node));
        g.fillRect((int) Math.round(x), y, Math.max(1, (int) Math.round(width) - 1), ROW - 1);
        FontMetrics metrics = g.getFontMetrics();
        if (width > 30) {
            String label = shortName(node.name);
            int room = (int) width - 6;
            if (metrics.stringWidth(label) > room) {
                int keep = label.length();
                while (keep > 1 && metrics.stringWidth(label.substring(0, keep) + "..") > room) {
                    keep--;
                }
                label = keep > 2 ? label.substring(0, keep) + ".." : "";
            }
            g.setColor(Color.BLACK);
            g.drawString(label, (int) x + 3, y + ROW - 4);
        }
        double childX = x;
        for (Node child : node.children.values()) {
            double childWidth = child.samples * scale;
            draw(g, child, level + 1, childX, childWidth, scale, bottom, maxDepth);
            childX += childWidth;
        }
    }

    /** The category of the frame itself, else of the samples it holds itself, else neutral. */
    private static Color colorOf(Node node) {
        CpuCategory own = CpuCategory.ofFrame(node.name);
        if (own != null) {
            return own.color();
        }
        return node.self.isEmpty() ? CpuCategory.OTHER.color()
            : node.self.entrySet().stream().max(Map.Entry.comparingByValue()).get().getKey().color();
    }

    /** {@code io/netty/channel/AbstractChannelHandlerContext.invokeChannelRead} becomes the last two parts. */
    static String shortName(String frame) {
        String name = frame;
        int slash = name.lastIndexOf('/');
        if (slash >= 0 && slash < name.length() - 1) {
            name = name.substring(slash + 1);
        }
        return name;
    }

    private static String summarize(List<Profile> profiles) {
        StringBuilder out = new StringBuilder();
        out.append("Share of the server's CPU samples by category (self time; 1 ms samples over the measured window):"
            + "\n\n| category");
        for (Profile profile : profiles) {
            out.append(" | ").append(profile.name);
        }
        out.append(" |\n|---").append("|---:".repeat(profiles.size())).append("|\n");
        for (CpuCategory category : CpuCategory.values()) {
            out.append("| ").append(category.label());
            for (Profile profile : profiles) {
                long count = profile.categories.getOrDefault(category, 0L);
                out.append(String.format(Locale.ROOT, " | %.1f %%", 100.0 * count / profile.samples));
            }
            out.append(" |\n");
        }
        out.append("| samples");
        for (Profile profile : profiles) {
            out.append(" | ").append(profile.samples);
        }
        out.append(" |\n\n");
        for (Profile profile : profiles) {
            out.append("Hottest leaf frames of ").append(profile.name).append(":\n\n| frame | share |\n|---|---:|\n");
            TreeMap<Long, List<String>> byCount = new TreeMap<>();
            profile.leaves.forEach((frame, count) -> byCount.computeIfAbsent(-count, k -> new ArrayList<>())
                .add(frame));
            int shown = 0;
            for (Map.Entry<Long, List<String>> entry : byCount.entrySet()) {
                for (String frame : entry.getValue()) {
                    if (shown++ == TOP_FRAMES) {
                        break;
                    }
                    out.append("| `").append(frame.replace("|", "\\|")).append("` | ")
                        .append(String.format(Locale.ROOT, "%.1f %%", -100.0 * entry.getKey() / profile.samples))
                        .append(" |\n");
                }
                if (shown > TOP_FRAMES) {
                    break;
                }
            }
            out.append('\n');
        }
        return out.toString();
    }
}
