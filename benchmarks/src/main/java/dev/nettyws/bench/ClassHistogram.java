package dev.nettyws.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A JVM's live objects by class, parsed from {@code jcmd PID GC.class_histogram} (which runs a full GC first):
 * instances and bytes per class and the total. {@link #minus} gives what a change (such as opening N connections)
 * added, class by class, so that memory per connection can be broken down.
 *
 * <p>Immutable.
 */
public final class ClassHistogram {
    /** One class's instances and bytes. */
    public static final class Entry {
        private final String className;
        private final long instances;
        private final long bytes;

        Entry(String className, long instances, long bytes) {
            this.className = className;
            this.instances = instances;
            this.bytes = bytes;
        }

        /** The class as jcmd names it ({@code [B} for byte arrays, a module in parentheses stripped). */
        public String className() {
            return className;
        }

        /** Live instances. */
        public long instances() {
            return instances;
        }

        /** Bytes of those instances (shallow). */
        public long bytes() {
            return bytes;
        }
    }

    private final Map<String, Entry> byClass;
    private final long totalBytes;

    private ClassHistogram(Map<String, Entry> byClass, long totalBytes) {
        this.byClass = byClass;
        this.totalBytes = totalBytes;
    }

    /**
     * Parses jcmd's output: lines {@code "  1:  123  4567  java.lang.String (java.base@17)"} and a {@code Total} line.
     *
     * @param text what {@code jcmd PID GC.class_histogram} printed
     * @return the histogram
     * @throws IllegalArgumentException if there is no {@code Total} line
     */
    public static ClassHistogram parse(String text) {
        Map<String, Entry> byClass = new HashMap<>();
        long total = -1;
        for (String line : text.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 3 && fields[0].equals("Total")) {
                total = Long.parseLong(fields[2]);
            } else if (fields.length >= 4 && fields[0].endsWith(":")) {
                byClass.merge(fields[3], new Entry(fields[3], Long.parseLong(fields[1]), Long.parseLong(fields[2])),
                    (a, b) -> new Entry(a.className, a.instances + b.instances, a.bytes + b.bytes));
            }
        }
        if (total < 0) {
            throw new IllegalArgumentException("no Total line in the class histogram: " + text);
        }
        return new ClassHistogram(byClass, total);
    }

    /** Bytes of every live object. */
    public long totalBytes() {
        return totalBytes;
    }

    /**
     * What this histogram holds beyond an earlier one, class by class (negative where it holds less).
     *
     * @param before the earlier histogram
     * @return the difference
     */
    public ClassHistogram minus(ClassHistogram before) {
        Map<String, Entry> diff = new HashMap<>();
        for (Entry entry : byClass.values()) {
            Entry old = before.byClass.get(entry.className);
            diff.put(entry.className, old == null ? entry
                : new Entry(entry.className, entry.instances - old.instances, entry.bytes - old.bytes));
        }
        for (Entry old : before.byClass.values()) {
            diff.putIfAbsent(old.className, new Entry(old.className, -old.instances, -old.bytes));
        }
        return new ClassHistogram(diff, totalBytes - before.totalBytes);
    }

    /**
     * The same histogram with classes merged by package ({@code io.netty.channel}); arrays are one group,
     * {@code arrays}, and the JDK's strings count with their byte arrays there.
     *
     * @return a histogram whose class names are package names
     */
    public ClassHistogram byPackage() {
        Map<String, Entry> packages = new HashMap<>();
        for (Entry entry : byClass.values()) {
            String name = entry.className;
            int dot = name.lastIndexOf('.');
            String group = name.startsWith("[") ? "arrays" : dot < 0 ? name : name.substring(0, dot);
            packages.merge(group, new Entry(group, entry.instances, entry.bytes),
                (a, b) -> new Entry(group, a.instances + b.instances, a.bytes + b.bytes));
        }
        return new ClassHistogram(packages, totalBytes);
    }

    /**
     * The classes holding the most bytes, largest first.
     *
     * @param count how many
     * @return at most {@code count} entries
     */
    public List<Entry> top(int count) {
        List<Entry> entries = new ArrayList<>(byClass.values());
        entries.sort(Comparator.comparingLong(Entry::bytes).reversed());
        return entries.subList(0, Math.min(count, entries.size()));
    }
}
