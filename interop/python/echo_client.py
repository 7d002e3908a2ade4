#!/usr/bin/python3
"""Drives a WebSocket echo service with the independent Python `websockets` library (RFC 6455 peer).

Usage: /usr/bin/python3 interop/python/echo_client.py ws://127.0.0.1:PORT/echo [SERVER_CLOSE_URL]

Checks, in order: the opening handshake; text and binary echo at 0, 125, 126, 64 KiB and 1 MiB; a fragmented text
and a fragmented binary message echoed as one message; a ping answered by a pong with the same payload; a close
with 4000 "bye" answered with the same code (RFC 6455 §5.5.1; the reason the server echoes is printed, not
checked). With SERVER_CLOSE_URL, a second connection to it, on which the server closes first: the client must
receive 4001 "server bye" (the library answers the close itself). Prints one line per step and exits 1 on the first
mismatch (2 when the library is missing). The whole run is bounded by a timeout.
"""
import asyncio
import random
import sys

try:
    import websockets
except ImportError:
    print("FAIL python websockets is missing: run scripts/install-test-peers.sh", flush=True)
    sys.exit(2)

SIZES = [0, 125, 126, 64 * 1024, 1024 * 1024]
STEP_TIMEOUT = 10.0
TOTAL_TIMEOUT = 60.0


class Mismatch(Exception):
    pass


def check(condition, what):
    if not condition:
        raise Mismatch(what)


def text_of(size, rng):
    # ASCII, so the length in characters is the length in UTF-8 bytes.
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 "
    return "".join(rng.choice(alphabet) for _ in range(size))


async def echo(ws, message):
    await ws.send(message)
    return await asyncio.wait_for(ws.recv(), STEP_TIMEOUT)


async def run(url):
    rng = random.Random(6455)
    async with websockets.connect(url, max_size=None, ping_interval=None, close_timeout=STEP_TIMEOUT,
                                  open_timeout=STEP_TIMEOUT) as ws:
        print("OK handshake extensions=%s subprotocol=%s" % (
            [e.name for e in ws.extensions], ws.subprotocol), flush=True)

        for size in SIZES:
            sent = text_of(size, rng)
            received = await echo(ws, sent)
            check(isinstance(received, str), "text echo of %d bytes came back as %s" % (size, type(received)))
            check(received == sent, "text echo of %d bytes differs (got %d)" % (size, len(received)))
            print("OK text %d" % size, flush=True)

        for size in SIZES:
            sent = rng.randbytes(size)
            received = await echo(ws, sent)
            check(isinstance(received, bytes), "binary echo of %d bytes came back as %s" % (size, type(received)))
            check(received == sent, "binary echo of %d bytes differs (got %d)" % (size, len(received)))
            print("OK binary %d" % size, flush=True)

        # An iterable is sent as one fragmented message: a first frame and continuation frames (RFC 6455 §5.4).
        parts = ["frag", "", "mented ", "\u00fc\u20ac\U0001F600", text_of(70000, rng)]
        received = await echo(ws, parts)
        check(received == "".join(parts), "fragmented text echo differs")
        print("OK fragmented text %d frames" % len(parts), flush=True)

        parts = [rng.randbytes(n) for n in (1, 0, 126, 65536)]
        received = await echo(ws, parts)
        check(received == b"".join(parts), "fragmented binary echo differs")
        print("OK fragmented binary %d frames" % len(parts), flush=True)

        # The waiter completes only on a pong whose payload matches this ping's (RFC 6455 §5.5.3).
        pong = await ws.ping(b"nettyws-ping")
        await asyncio.wait_for(pong, STEP_TIMEOUT)
        print("OK ping answered by a matching pong", flush=True)

        await asyncio.wait_for(ws.close(4000, "bye"), STEP_TIMEOUT)
        check(ws.close_code == 4000, "server close code %s, expected 4000" % ws.close_code)
        print("OK close 4000 answered with %d %r" % (ws.close_code, ws.close_reason), flush=True)


async def server_close(url):
    async with websockets.connect(url, ping_interval=None, close_timeout=STEP_TIMEOUT,
                                  open_timeout=STEP_TIMEOUT) as ws:
        await asyncio.wait_for(ws.wait_closed(), STEP_TIMEOUT)
        check(ws.close_code == 4001, "server close code %s, expected 4001" % ws.close_code)
        check(ws.close_reason == "server bye", "server close reason %r, expected 'server bye'" % ws.close_reason)
        print("OK server close 4001 server bye received", flush=True)


async def run_all(urls):
    await run(urls[0])
    if len(urls) > 1:
        await server_close(urls[1])


def main():
    if len(sys.argv) not in (2, 3):
        print("usage: echo_client.py ws://host:port/echo [SERVER_CLOSE_URL]", file=sys.stderr)
        return 2
    try:
        asyncio.run(asyncio.wait_for(run_all(sys.argv[1:]), TOTAL_TIMEOUT))
    except Mismatch as e:
        print("FAIL %s" % e, flush=True)
        return 1
    except Exception as e:  # noqa: BLE001 - any failure of the peer is a failed check
        print("FAIL %s: %s" % (type(e).__name__, e), flush=True)
        return 1
    print("PASS", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
