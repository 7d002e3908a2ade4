"""A chat member for the cluster tests (Debian's python3-websockets).

Usage: chat_member.py URI PREFIX COUNT TOTAL
Joins the chat at URI, posts COUNT messages "PREFIX-1".."PREFIX-COUNT" once it has its presence list, and prints
every message event it receives as one line "ID TEXT" until it has TOTAL of them; then closes with 1000 and exits 0.
Exits 1 on an error event or a close before TOTAL messages.
"""
import asyncio
import json
import sys

import websockets


async def main(uri, prefix, count, total):
    received = 0
    async with websockets.connect(uri, max_size=2 ** 20) as ws:
        while received < total:
            event = json.loads(await asyncio.wait_for(ws.recv(), timeout=60))
            kind = event.get("type")
            if kind == "presence" and count:
                for i in range(1, count + 1):
                    await ws.send(json.dumps({"type": "message", "text": "%s-%d" % (prefix, i)}))
                count = 0
            elif kind == "message":
                received += 1
                print(event["id"], event["text"], flush=True)
            elif kind == "error":
                print("error", event.get("reason"), flush=True)
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))))
