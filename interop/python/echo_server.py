#!/usr/bin/python3
"""An echo server on the independent Python `websockets` library, the peer of the nettyws client interop tests.

Usage: /usr/bin/python3 interop/python/echo_server.py [--deflate] [PORT]

Listens on 127.0.0.1 (an ephemeral port unless PORT is given) and prints the port alone on the first line of
stdout once it accepts connections. Echoes every text and binary message (any size: max_size is off). A text
message "close-me" is not echoed: the server closes the connection with 4001 "bye" instead. A text message
"send N" is not echoed either: the server sends a binary message of N seeded random bytes, expects the client to
send it back, and answers "ok" or "differs" (a client echoing a message of its maximum size). Pings are answered
by the library, and a client's close is answered with the same code (RFC 6455 §5.5.1). With --deflate the library
accepts permessage-deflate offers (RFC 7692) with its own defaults. Runs until killed; exits 2 when the library is
missing.
"""
import asyncio
import random
import sys

try:
    import websockets
except ImportError:
    print("python websockets is missing: run scripts/install-test-peers.sh", file=sys.stderr, flush=True)
    sys.exit(2)


async def echo(ws, path=None):
    try:
        async for message in ws:
            if message == "close-me":
                await ws.close(code=4001, reason="bye")
                return
            if isinstance(message, str) and message.startswith("send "):
                size = int(message[5:])
                sent = random.Random(size).randbytes(size)
                await ws.send(sent)
                back = await ws.recv()
                await ws.send("ok" if back == sent else "differs: %d bytes back" % len(back))
                continue
            await ws.send(message)
    except websockets.ConnectionClosed:
        pass


async def main():
    args = sys.argv[1:]
    deflate = "--deflate" in args
    args = [a for a in args if a != "--deflate"]
    port = int(args[0]) if args else 0
    # No server pings, and compression only when asked for: the tests decide what goes over the wire.
    async with websockets.serve(echo, "127.0.0.1", port, max_size=None,
                                compression="deflate" if deflate else None, ping_interval=None) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.Future()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
