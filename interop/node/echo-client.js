#!/usr/bin/env node
'use strict';
// Drives a WebSocket echo service with the independent Node `ws` library (RFC 6455 peer).
//
// Usage: node interop/node/echo-client.js ws://127.0.0.1:PORT/echo [SERVER_CLOSE_URL]
//
// Checks, in order: the opening handshake; text and binary echo at 0, 125, 126, 64 KiB and 1 MiB; a fragmented text
// and a fragmented binary message echoed as one message; a ping answered by a pong with the same payload; a close
// with 4000 "bye" answered with the same code (RFC 6455 §5.5.1; the reason the server echoes is printed, not
// checked). With SERVER_CLOSE_URL, a second connection to it, on which the server closes first: the client must
// receive 4001 "server bye" (the library answers the close itself). Prints one line per step and exits 1 on the
// first mismatch (2 when the library is missing). The whole run is bounded by a timeout.

let WebSocket;
try {
  WebSocket = require('ws');
} catch (e) {
  console.log('FAIL node ws is missing: run scripts/install-test-peers.sh (' + e.message + ')');
  process.exit(2);
}

const SIZES = [0, 125, 126, 64 * 1024, 1024 * 1024];
const STEP_TIMEOUT_MS = 10000;
const TOTAL_TIMEOUT_MS = 60000;

// A seeded generator (mulberry32), so every run sends the same bytes.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(6455);
const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ';

function textOf(size) {
  let s = '';
  for (let i = 0; i < size; i++) {
    s += ALPHABET[Math.floor(random() * ALPHABET.length)];
  }
  return s;
}

function bytesOf(size) {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) {
    b[i] = Math.floor(random() * 256);
  }
  return b;
}

function check(condition, what) {
  if (!condition) {
    throw new Error('mismatch: ' + what);
  }
}

function withTimeout(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out waiting for ' + what)), STEP_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function run(url) {
  const ws = new WebSocket(url, { maxPayload: 32 * 1024 * 1024, handshakeTimeout: STEP_TIMEOUT_MS });
  const inbox = [];
  const waiters = [];
  let closed = null;
  const closedPromise = new Promise((resolve) => {
    ws.on('close', (code, reason) => {
      closed = { code, reason: reason.toString('utf8') };
      resolve(closed);
    });
  });
  ws.on('message', (data, isBinary) => {
    const message = { data, isBinary };
    const waiter = waiters.shift();
    if (waiter) {
      waiter(message);
    } else {
      inbox.push(message);
    }
  });
  const pongs = [];
  ws.on('pong', (data) => pongs.push(Buffer.from(data)));
  const errors = [];
  ws.on('error', (e) => errors.push(e));

  const nextMessage = (what) => withTimeout(new Promise((resolve) => {
    if (inbox.length > 0) {
      resolve(inbox.shift());
    } else {
      waiters.push(resolve);
    }
  }), what);
  const send = (data, options) => new Promise((resolve, reject) => {
    ws.send(data, options, (err) => (err ? reject(err) : resolve()));
  });

  await withTimeout(new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  }), 'the handshake');
  console.log('OK handshake extensions=' + JSON.stringify(ws.extensions) + ' protocol=' + JSON.stringify(ws.protocol));

  for (const size of SIZES) {
    const sent = textOf(size);
    await send(sent, { binary: false });
    const got = await nextMessage('text echo of ' + size);
    check(!got.isBinary, 'text echo of ' + size + ' bytes came back as binary');
    check(got.data.toString('utf8') === sent, 'text echo of ' + size + ' bytes differs');
    console.log('OK text ' + size);
  }
  for (const size of SIZES) {
    const sent = bytesOf(size);
    await send(sent, { binary: true });
    const got = await nextMessage('binary echo of ' + size);
    check(got.isBinary, 'binary echo of ' + size + ' bytes came back as text');
    check(Buffer.compare(got.data, sent) === 0, 'binary echo of ' + size + ' bytes differs');
    console.log('OK binary ' + size);
  }

  // fin: false sends a first frame, then continuation frames until one with fin: true (RFC 6455 §5.4).
  const textParts = ['frag', '', 'mented ', '\u00fc\u20ac\u{1F600}', textOf(70000)];
  for (let i = 0; i < textParts.length; i++) {
    await send(textParts[i], { binary: false, fin: i === textParts.length - 1 });
  }
  let got = await nextMessage('fragmented text echo');
  check(!got.isBinary && got.data.toString('utf8') === textParts.join(''), 'fragmented text echo differs');
  console.log('OK fragmented text ' + textParts.length + ' frames');

  const binaryParts = [1, 0, 126, 65536].map(bytesOf);
  for (let i = 0; i < binaryParts.length; i++) {
    await send(binaryParts[i], { binary: true, fin: i === binaryParts.length - 1 });
  }
  got = await nextMessage('fragmented binary echo');
  check(got.isBinary && Buffer.compare(got.data, Buffer.concat(binaryParts)) === 0, 'fragmented binary echo differs');
  console.log('OK fragmented binary ' + binaryParts.length + ' frames');

  // RFC 6455 §5.5.3: the pong carries the ping's application data.
  const pingPayload = Buffer.from('nettyws-ping');
  await new Promise((resolve, reject) => ws.ping(pingPayload, undefined, (err) => (err ? reject(err) : resolve())));
  await withTimeout(new Promise((resolve) => {
    const poll = () => (pongs.length > 0 ? resolve() : setTimeout(poll, 5));
    poll();
  }), 'the pong');
  check(Buffer.compare(pongs[0], pingPayload) === 0, 'pong payload ' + JSON.stringify(pongs[0].toString()));
  console.log('OK ping answered by a matching pong');

  ws.close(4000, 'bye');
  const result = await withTimeout(closedPromise, 'the close handshake');
  check(result.code === 4000, 'server close code ' + result.code + ', expected 4000');
  check(errors.length === 0, 'errors: ' + errors.map((e) => e.message).join('; '));
  console.log('OK close 4000 answered with ' + result.code + ' ' + JSON.stringify(result.reason));
}

async function serverClose(url) {
  const ws = new WebSocket(url, { handshakeTimeout: STEP_TIMEOUT_MS });
  const errors = [];
  ws.on('error', (e) => errors.push(e));
  const result = await withTimeout(new Promise((resolve) => {
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') }));
  }), 'the server close');
  check(result.code === 4001, 'server close code ' + result.code + ', expected 4001');
  check(result.reason === 'server bye', 'server close reason ' + JSON.stringify(result.reason)
    + ', expected "server bye"');
  check(errors.length === 0, 'errors: ' + errors.map((e) => e.message).join('; '));
  console.log('OK server close 4001 server bye received');
}

async function runAll(urls) {
  await run(urls[0]);
  if (urls.length > 1) {
    await serverClose(urls[1]);
  }
}

if (process.argv.length !== 3 && process.argv.length !== 4) {
  console.error('usage: node echo-client.js ws://host:port/echo [SERVER_CLOSE_URL]');
  process.exit(2);
}
const overall = setTimeout(() => {
  console.log('FAIL the run took longer than ' + TOTAL_TIMEOUT_MS + ' ms');
  process.exit(1);
}, TOTAL_TIMEOUT_MS);
runAll(process.argv.slice(2)).then(() => {
  clearTimeout(overall);
  console.log('PASS');
  process.exit(0);
}, (e) => {
  clearTimeout(overall);
  console.log('FAIL ' + e.message);
  process.exit(1);
});
