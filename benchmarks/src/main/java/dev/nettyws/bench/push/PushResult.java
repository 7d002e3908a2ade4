package dev.nettyws.bench.push;

import java.util.List;

/**
 * One run of the push benchmark and the figures derived from it. Immutable.
 *
 * @param transport ws, sse, longpoll, poll-1s...
 * @param clients receivers in the room
 * @param rate messages posted per second
 * @param seconds how long the run posted
 * @param posted messages posted
 * @param delivered deliveries of posted messages to receivers, each counted once
 * @param lost deliveries missing when the run ended
 * @param duplicates deliveries of a message a receiver already had
 * @param reordered deliveries out of order
 * @param bytesIn bytes the receivers' sockets read
 * @param bytesOut bytes the receivers' sockets wrote
 * @param requests HTTP requests the receivers sent
 * @param p50Millis median latency from post to receiver
 * @param p99Millis 99th percentile latency
 * @param maxMillis largest latency
 * @param serverCpuSeconds CPU time of the server process over the run
 * @param heapPerClient live heap of the server per receiver, bytes
 * @param failures connections that failed or answers that were not 200
 */
record PushResult(String transport, int clients, int rate, int seconds, int posted, long delivered, long lost,
                  long duplicates, long reordered, long bytesIn, long bytesOut, long requests, double p50Millis,
                  double p99Millis, double maxMillis, double serverCpuSeconds, double heapPerClient, long failures) {
    static final String CSV_HEADER = "time,transport,clients,rate,seconds,posted,delivered,lost,duplicates,reordered,"
        + "bytes_in_per_msg,bytes_out_per_msg,requests_per_msg,p50_ms,p99_ms,max_ms,server_cpu_s_per_1000_msgs,"
        + "heap_bytes_per_client,failures";

    double perMessage(long value) {
        return delivered == 0 ? Double.NaN : (double) value / delivered;
    }

    double bytesPerMessage() {
        return perMessage(bytesIn + bytesOut);
    }

    double cpuPer1000() {
        return delivered == 0 ? Double.NaN : serverCpuSeconds * 1000 / delivered;
    }

    String csv() {
        return PushCommand.format("%s,%d,%d,%d,%d,%d,%d,%d,%d,%.1f,%.1f,%.3f,%.1f,%.1f,%.1f,%.4f,%.0f,%d", transport,
            clients, rate, seconds, posted, delivered, lost, duplicates, reordered, perMessage(bytesIn),
            perMessage(bytesOut), perMessage(requests), p50Millis, p99Millis, maxMillis, cpuPer1000(), heapPerClient,
            failures);
    }

    String line() {
        return PushCommand.format("%s %,d clients %d msg/s: %,d of %,d delivered (%d lost, %d twice, %d reordered),"
            + " %.0f B/msg in, %.0f B/msg out, %.3f requests/msg, latency p50 %.1f p99 %.1f max %.1f ms,"
            + " %.4f server CPU s per 1000 msgs, %.0f B heap per client, %d failures", transport, clients, rate,
            delivered, (long) posted * clients, lost, duplicates, reordered, perMessage(bytesIn), perMessage(bytesOut),
            perMessage(requests), p50Millis, p99Millis, maxMillis, cpuPer1000(), heapPerClient, failures);
    }

    /** A Markdown table of results. */
    static String table(List<PushResult> results) {
        StringBuilder out = new StringBuilder();
        out.append("| transport | clients | msg/s | bytes/msg in | bytes/msg out | requests/msg | p50 ms | p99 ms "
            + "| max ms | server CPU s / 1000 msgs | heap B / client | lost | twice |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (PushResult r : results) {
            out.append(PushCommand.format("| %s | %,d | %d | %.0f | %.0f | %.2f | %.1f | %.1f | %.1f | %.3f | %,.0f "
                + "| %d | %d |\n", r.transport, r.clients, r.rate, r.perMessage(r.bytesIn), r.perMessage(r.bytesOut),
                r.perMessage(r.requests), r.p50Millis, r.p99Millis, r.maxMillis, r.cpuPer1000(), r.heapPerClient,
                r.lost, r.duplicates));
        }
        return out.toString();
    }
}
