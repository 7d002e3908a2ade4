"""An independent HTTP/2 peer for the RFC 8441 tests: drives extended CONNECT and WebSocket frames over h2c (prior
knowledge) with the Python `h2` library (Debian python3-h2) and prints one JSON object with what it saw.

usage: h2_client.py PORT SCENARIO   (SCENARIO: settings, refusals, multiplex, reset, stall, early)
"""
import json
import os
import socket
import struct
import sys

import h2.config
import h2.connection
import h2.events
import h2.settings

DEADLINE_SECONDS = 10


class Peer:
    def __init__(self, port, await_settings=True):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=DEADLINE_SECONDS)
        config = h2.config.H2Configuration(client_side=True, validate_outbound_headers=False,
                                           normalize_outbound_headers=False, validate_inbound_headers=False)
        self.conn = h2.connection.H2Connection(config=config)
        self.conn.initiate_connection()
        self.flush()
        self.remote_settings = {}
        self.responses = {}
        self.data = {}
        self.ended = set()
        self.reset = {}
        while await_settings and h2.settings.SettingCodes.ENABLE_CONNECT_PROTOCOL not in self.remote_settings:
            if not self.pump():
                break

    def flush(self):
        out = self.conn.data_to_send()
        if out:
            self.sock.sendall(out)

    def pump(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            return False
        for event in self.conn.receive_data(chunk):
            if isinstance(event, h2.events.RemoteSettingsChanged):
                for code, setting in event.changed_settings.items():
                    self.remote_settings[code] = setting.new_value
            elif isinstance(event, h2.events.ResponseReceived):
                self.responses[event.stream_id] = dict((k.decode(), v.decode()) for k, v in event.headers)
            elif isinstance(event, h2.events.DataReceived):
                self.data.setdefault(event.stream_id, bytearray()).extend(event.data)
                self.conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            elif isinstance(event, h2.events.StreamEnded):
                self.ended.add(event.stream_id)
            elif isinstance(event, h2.events.StreamReset):
                self.reset[event.stream_id] = int(event.error_code)
        self.flush()
        return True

    def request(self, headers, end_stream=False):
        stream_id = self.conn.get_next_available_stream_id()
        self.conn.send_headers(stream_id, headers, end_stream=end_stream)
        self.flush()
        return stream_id

    def websocket(self, path="/ws", extra=()):
        return self.request([(":method", "CONNECT"), (":protocol", "websocket"), (":scheme", "http"),
                             (":path", path), (":authority", "127.0.0.1"), ("sec-websocket-version", "13")]
                            + list(extra))

    def until(self, condition):
        try:
            while not condition():
                if not self.pump():
                    return False
        except TimeoutError:
            return False
        return True

    def send(self, stream_id, payload, end_stream=False):
        self.conn.send_data(stream_id, payload, end_stream=end_stream)
        self.flush()

    def close(self):
        self.sock.close()


def frame(opcode, payload, fin=True, mask=True):
    """A client WebSocket frame (RFC 6455 §5.2), masked unless told otherwise."""
    head = bytes([(0x80 if fin else 0) | opcode])
    length = len(payload)
    bit = 0x80 if mask else 0
    if length < 126:
        head += bytes([bit | length])
    elif length < 65536:
        head += bytes([bit | 126]) + struct.pack("!H", length)
    else:
        head += bytes([bit | 127]) + struct.pack("!Q", length)
    if not mask:
        return head + payload
    key = os.urandom(4)
    return head + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


def parse(buffer):
    """The server's (unmasked) frames in buffer: a list of [opcode, payload], with close payloads as [code, reason]."""
    frames = []
    i = 0
    while i + 2 <= len(buffer):
        opcode = buffer[i] & 0x0F
        length = buffer[i + 1] & 0x7F
        i += 2
        if length == 126:
            length = struct.unpack("!H", bytes(buffer[i:i + 2]))[0]
            i += 2
        elif length == 127:
            length = struct.unpack("!Q", bytes(buffer[i:i + 8]))[0]
            i += 8
        payload = bytes(buffer[i:i + length])
        i += length
        if opcode == 8:
            frames.append([opcode, struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None,
                           payload[2:].decode()])
        else:
            frames.append([opcode, payload.decode(errors="replace")])
    return frames


def settings(peer):
    return {"enableConnectProtocol": peer.remote_settings.get(h2.settings.SettingCodes.ENABLE_CONNECT_PROTOCOL)}


def refusals(peer):
    base = [(":scheme", "http"), (":path", "/ws"), (":authority", "127.0.0.1")]
    cases = {
        "get": [(":method", "GET")] + base + [("sec-websocket-version", "13")],
        "noProtocol": [(":method", "CONNECT")] + base + [("sec-websocket-version", "13")],
        "otherProtocol": [(":method", "CONNECT"), (":protocol", "chat")] + base + [("sec-websocket-version", "13")],
        "noVersion": [(":method", "CONNECT"), (":protocol", "websocket")] + base,
        "wrongVersion": [(":method", "CONNECT"), (":protocol", "websocket")] + base
        + [("sec-websocket-version", "8")],
        "noAuthority": [(":method", "CONNECT"), (":protocol", "websocket"), (":scheme", "http"), (":path", "/ws"),
                        ("sec-websocket-version", "13")],
        "badScheme": [(":method", "CONNECT"), (":protocol", "websocket"), (":scheme", "ftp"), (":path", "/ws"),
                      (":authority", "127.0.0.1"), ("sec-websocket-version", "13")],
        "noScheme": [(":method", "CONNECT"), (":protocol", "websocket"), (":path", "/ws"),
                     (":authority", "127.0.0.1"), ("sec-websocket-version", "13")],
        "foreignOrigin": [(":method", "CONNECT"), (":protocol", "websocket")] + base
        + [("sec-websocket-version", "13"), ("origin", "http://evil.example")],
        "unknownPath": [(":method", "CONNECT"), (":protocol", "websocket"), (":scheme", "http"),
                        (":path", "/nowhere"), (":authority", "127.0.0.1"), ("sec-websocket-version", "13")],
    }
    streams = {}
    for name, headers in cases.items():
        streams[name] = peer.request(headers)
    streams["endStream"] = peer.request([(":method", "CONNECT"), (":protocol", "websocket")] + base
                                        + [("sec-websocket-version", "13")], end_stream=True)
    peer.until(lambda: all(s in peer.responses or s in peer.reset for s in streams.values()))
    result = {}
    for name, stream_id in streams.items():
        if stream_id in peer.responses:
            result[name] = int(peer.responses[stream_id][":status"])
        else:
            result[name] = "RST_STREAM %d" % peer.reset[stream_id] if stream_id in peer.reset else "no answer"
    return result


def multiplex(peer):
    sockets = [peer.websocket(), peer.websocket(), peer.websocket()]
    get = peer.request([(":method", "GET"), (":scheme", "http"), (":path", "/page"), (":authority", "127.0.0.1")],
                       end_stream=True)
    peer.until(lambda: all(s in peer.responses for s in sockets) and get in peer.ended)
    result = {"statuses": [int(peer.responses[s][":status"]) for s in sockets],
              "getStatus": int(peer.responses[get][":status"]), "getBody": peer.data.get(get, b"").decode()}
    # One stream violates RFC 6455 (an unmasked client frame): only it is closed, with 1002.
    peer.send(sockets[0], frame(1, b"unmasked", mask=False))
    peer.until(lambda: sockets[0] in peer.ended or sockets[0] in peer.reset)
    result["violator"] = parse(peer.data.get(sockets[0], b""))
    result["violatorEnded"] = sockets[0] in peer.ended
    for i, s in enumerate(sockets[1:], start=1):
        peer.send(s, frame(1, ("hello %d" % i).encode()))
    peer.until(lambda: all(len(parse(peer.data.get(s, b""))) >= 1 for s in sockets[1:]))
    result["echoes"] = [parse(peer.data[s]) for s in sockets[1:]]
    # A clean close of one: close frame, the server's answer, then both END_STREAMs.
    peer.send(sockets[1], frame(8, struct.pack("!H", 1000) + b"bye"))
    peer.until(lambda: sockets[1] in peer.ended)
    peer.send(sockets[1], b"", end_stream=True)
    result["closed"] = parse(peer.data[sockets[1]])[-1]
    # The last one still works after all that.
    peer.send(sockets[2], frame(2, b"still here"))
    peer.until(lambda: len(parse(peer.data[sockets[2]])) >= 2)
    result["last"] = parse(peer.data[sockets[2]])[-1]
    result["resets"] = sorted(peer.reset.keys())
    return result


def reset(peer):
    stream_id = peer.websocket()
    peer.until(lambda: stream_id in peer.responses)
    peer.send(stream_id, frame(1, b"half a message", fin=False))
    peer.conn.reset_stream(stream_id, error_code=8)
    peer.flush()
    # A second WebSocket on the same connection shows the connection survived the reset.
    other = peer.websocket()
    peer.until(lambda: other in peer.responses)
    peer.send(other, frame(1, b"after reset"))
    peer.until(lambda: len(parse(peer.data.get(other, b""))) >= 1)
    return {"status": int(peer.responses[stream_id][":status"]), "other": parse(peer.data[other])[0]}


def stall(peer):
    """A WebSocket that never reads: a stream window of 0, while its messages make the server echo 512 KiB."""
    peer.conn.update_settings({h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: 0})
    peer.flush()
    stream_id = peer.websocket()
    peer.until(lambda: stream_id in peer.responses)
    sent = 0
    message = frame(2, b"x" * 8192)
    while sent < 64 and stream_id not in peer.reset:
        window = peer.conn.local_flow_control_window(stream_id) if stream_id not in peer.reset else 0
        if window < len(message):
            if not peer.until(lambda: stream_id in peer.reset or peer.conn.local_flow_control_window(stream_id)
                              >= len(message)):
                break
            continue
        peer.send(stream_id, message)
        sent += 1
    peer.until(lambda: stream_id in peer.reset)
    return {"status": int(peer.responses[stream_id][":status"]), "reset": peer.reset.get(stream_id),
            "received": len(peer.data.get(stream_id, b""))}


def early(peer):
    """An extended CONNECT sent with the preface, before the server's SETTINGS were read (RFC 8441 §3 forbids it),
    then one sent the proper way on the same connection."""
    first = peer.websocket()
    peer.until(lambda: first in peer.responses or first in peer.reset)
    early_answer = (int(peer.responses[first][":status"]) if first in peer.responses
                    else "RST_STREAM %d" % peer.reset[first])
    peer.until(lambda: h2.settings.SettingCodes.ENABLE_CONNECT_PROTOCOL in peer.remote_settings)
    second = peer.websocket()
    peer.until(lambda: second in peer.responses or second in peer.reset)
    peer.send(second, frame(1, b"in order"))
    peer.until(lambda: len(parse(peer.data.get(second, b""))) >= 1)
    return {"early": early_answer, "after": int(peer.responses[second][":status"]),
            "echo": parse(peer.data[second])[0]}


def main():
    port, scenario = int(sys.argv[1]), sys.argv[2]
    peer = Peer(port, await_settings=scenario != "early")
    try:
        result = globals()[scenario](peer)
    finally:
        peer.close()
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
