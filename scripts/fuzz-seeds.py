#!/usr/bin/python3
"""Writes the committed seed corpus of the Jazzer fuzz tests (codec/src/test/java/dev/nettyws/fuzz).

Each seed is one input file under codec/src/test/resources/dev/nettyws/fuzz/<Test>Inputs/; a plain test
run replays every file there (Jazzer's regression mode), and a fuzzing run starts from them. Run from anywhere:
    /usr/bin/python3 scripts/fuzz-seeds.py
Crash files Jazzer adds next to these (crash-<sha1>) are kept as regression inputs too.
"""
import os
import struct

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'codec', 'src', 'test', 'resources',
                    'dev', 'nettyws', 'fuzz')
KEY = 0x37fa213d


def mask(data, key):
    k = struct.pack('>I', key)
    return bytes(b ^ k[i % 4] for i, b in enumerate(data))


def frame(opcode, payload=b'', fin=True, rsv=0, key=None, length=None):
    """One frame (RFC 6455 §5.2), masked when key is given; length overrides the announced length."""
    n = len(payload) if length is None else length
    out = bytearray([(0x80 if fin else 0) | rsv | opcode])
    m = 0x80 if key is not None else 0
    if n <= 125:
        out.append(m | n)
    elif n <= 0xFFFF:
        out.append(m | 126)
        out += struct.pack('>H', n)
    else:
        out.append(m | 127)
        out += struct.pack('>Q', n)
    if key is not None:
        out += struct.pack('>I', key)
        payload = mask(payload, key)
    return bytes(out) + payload


def close(code, reason=b'', key=None):
    return frame(0x8, struct.pack('>H', code) + reason, key=key)


def write(test, name, data):
    # Seeds sit in the class's inputs folder (replayed once for each fuzz test of the class); Jazzer writes crash
    # files into the method's subfolder.
    folder = os.path.join(ROOT, test + 'Inputs')
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, 'seed-' + name), 'wb') as f:
        f.write(data)


def decoder_seeds():
    # Byte 0: options (bit 0 client, bit 1 RSV1 allowed, bit 2 aggregate, bit 3 no UTF-8 check, bit 4 forward
    # pongs); byte 1: read size; then the peer's bytes.
    server = [
        ('rfc-hello', frame(0x1, b'Hello', key=KEY)),
        ('fragmented-hello', frame(0x1, b'Hel', fin=False, key=KEY) + frame(0x9, b'p', key=KEY)
         + frame(0x0, b'lo', key=KEY)),
        ('ping-close', frame(0x9, b'Hello', key=KEY) + close(1000, b'bye', key=KEY)),
        ('binary-256', frame(0x2, bytes(range(256)), key=KEY)),
        ('utf8-split', frame(0x1, 'κόσμε'.encode()[:3], fin=False, key=KEY)
         + frame(0x0, 'κόσμε'.encode()[3:], key=KEY)),
        ('rsv1-text', frame(0x1, b'compressed?', rsv=0x40, key=KEY)),
        ('unmasked', frame(0x1, b'Hello')),
        ('reserved-opcode', frame(0x3, key=KEY)),
        ('invalid-utf8', frame(0x1, b'\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80', key=KEY)),
        ('close-1005', close(1005, key=KEY)),
        ('close-bad-reason', close(1000, b'\xff', key=KEY)),
        ('too-big', frame(0x2, b'', key=KEY, length=100000)),
        ('non-minimal-length', b'\x82\xfe\x00\x05' + struct.pack('>I', KEY) + mask(b'12345', KEY)),
        ('many-fragments', frame(0x2, b'a', fin=False, key=KEY)
         + b''.join(frame(0x0, b'', fin=False, key=KEY) for _ in range(40)) + frame(0x0, b'z', key=KEY)),
    ]
    client = [
        ('rfc-hello', frame(0x1, b'Hello')),
        ('rfc-pong', frame(0xA, b'Hello')),
        ('masked-from-server', frame(0x1, b'Hello', key=KEY)),
        ('close-1000', close(1000, b'done')),
        ('binary-64k-header', b'\x82\x7f' + struct.pack('>Q', 70000)),
    ]
    for options, read in ((0x00, 0), (0x0e, 7)):
        for name, wire in server:
            write('FrameDecoderFuzzTest', 'server-%02x-%s' % (options, name), bytes([options, read]) + wire)
    for options, read in ((0x15, 2),):
        for name, wire in client:
            write('FrameDecoderFuzzTest', 'client-%02x-%s' % (options, name), bytes([options, read]) + wire)


def upgrade_seeds():
    def request(target='/chat', headers=None, version='HTTP/1.1', method='GET'):
        h = headers if headers is not None else [
            ('Host', 'server.example.com'), ('Upgrade', 'websocket'), ('Connection', 'Upgrade'),
            ('Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='), ('Sec-WebSocket-Version', '13')]
        return ('%s %s %s\r\n' % (method, target, version)
                + ''.join('%s: %s\r\n' % kv for kv in h) + '\r\n').encode('latin-1')

    valid = request()
    seeds = {
        'valid': valid,
        'valid-with-frames': valid + frame(0x1, b'Hello', key=KEY) + close(1000, key=KEY),
        'valid-protocol-extension': request(headers=[
            ('Host', 'a'), ('Upgrade', 'websocket'), ('Connection', 'keep-alive, Upgrade'),
            ('Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='), ('Sec-WebSocket-Version', '13'),
            ('Sec-WebSocket-Protocol', 'superchat, chat'), ('Sec-WebSocket-Extensions', 'foo; a=1, permessage-deflate'),
            ('Origin', 'http://example.com')]) + frame(0x1, bytes.fromhex('f248cdc9c90700'), rsv=0x40, key=KEY),
        'http10': request(version='HTTP/1.0'),
        'post': request(method='POST'),
        'bad-version': request(headers=[('Host', 'a'), ('Upgrade', 'websocket'), ('Connection', 'Upgrade'),
                                        ('Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='),
                                        ('Sec-WebSocket-Version', '8')]),
        'no-key': request(headers=[('Host', 'a'), ('Upgrade', 'websocket'), ('Connection', 'Upgrade'),
                                   ('Sec-WebSocket-Version', '13')]),
        'other-path': request(target='/other'),
        'plain-get-then-upgrade': request(target='/index.html', headers=[('Host', 'a')]) + valid,
        'chunked-body': request(headers=[('Host', 'a'), ('Upgrade', 'websocket'), ('Connection', 'Upgrade'),
                                         ('Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='),
                                         ('Sec-WebSocket-Version', '13'), ('Transfer-Encoding', 'chunked')])
        + b'3\r\nabc\r\n0\r\n\r\n',
        'huge-header': request(headers=[('Host', 'a'), ('X-Big', 'x' * 1500)]),
        'partial': valid[:40],
    }
    for name, data in seeds.items():
        write('UpgradeFuzzTest', name, bytes([0]) + data)
    write('UpgradeFuzzTest', 'valid-with-frames-r5', bytes([5]) + seeds['valid-with-frames'])


def close_seeds():
    seeds = {
        'empty': b'',
        'one-byte': b'\x03',
        'normal': struct.pack('>H', 1000),
        'normal-reason': struct.pack('>H', 1000) + b'bye',
        'going-away-utf8': struct.pack('>H', 1001) + 'κόσμε'.encode(),
        'code-1005': struct.pack('>H', 1005),
        'code-1015': struct.pack('>H', 1015),
        'code-2999': struct.pack('>H', 2999),
        'code-4999': struct.pack('>H', 4999),
        'code-5000': struct.pack('>H', 5000),
        'bad-utf8': struct.pack('>H', 1000) + b'\xed\xa0\x80',
        'truncated-utf8': struct.pack('>H', 1000) + 'é'.encode()[:1],
        'max-reason': struct.pack('>H', 3000) + b'r' * 123,
        'too-long': struct.pack('>H', 3000) + b'r' * 124,
    }
    for name, data in seeds.items():
        write('CloseFrameFuzzTest', name, data)


if __name__ == '__main__':
    decoder_seeds()
    upgrade_seeds()
    close_seeds()
