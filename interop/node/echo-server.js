#!/usr/bin/env node
// An echo server on the independent Node `ws` library, the peer of the nettyws client interop tests.
//
// Usage: node interop/node/echo-server.js [--deflate] [PORT]
//
// Listens on 127.0.0.1 (an ephemeral port unless PORT is given) and prints the port alone on the first line of
// stdout once it accepts connections. Echoes every text and binary message up to 64 MiB. A text message
// "close-me" is not echoed: the server closes the connection with 4001 "bye" instead. Pings are answered by the
// library, and a client's close is answered with the same code (RFC 6455 §5.5.1). Runs until killed; exits 2 when
// the library is missing. With --deflate the library accepts permessage-deflate offers (RFC 7692), compressing
// every message (threshold 0) with its default parameters otherwise.
'use strict';

let WebSocketServer;
try {
  ({ WebSocketServer } = require('ws'));
} catch (e) {
  process.stderr.write('node ws is missing: run scripts/install-test-peers.sh\n');
  process.exit(2);
}

const args = process.argv.slice(2);
const deflate = args.includes('--deflate');
const positional = args.filter((a) => a !== '--deflate');
const port = positional.length > 0 ? Number(positional[0]) : 0;
const server = new WebSocketServer({
  host: '127.0.0.1', port, maxPayload: 64 * 1024 * 1024, perMessageDeflate: deflate ? { threshold: 0 } : false,
});

server.on('listening', () => {
  process.stdout.write(server.address().port + '\n');
});

server.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => {
    if (!isBinary && data.toString() === 'close-me') {
      ws.close(4001, 'bye');
      return;
    }
    ws.send(data, { binary: isBinary });
  });
  ws.on('error', (err) => {
    process.stderr.write('connection error: ' + err.message + '\n');
  });
});
