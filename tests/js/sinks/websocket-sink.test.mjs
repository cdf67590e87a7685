// WebSocketSink in Node, with the `ws` package's client as the socket against a `ws` server on
// 127.0.0.1 started here: chunks arrive in order as messages; bufferedAmount becomes real
// backpressure (a paused reader holds the producer back); a socket that closes errors the stream.
// (Node 20 has no global WebSocket; tests/e2e/sinks.test.mjs runs the browser's WebSocket.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { WebSocket } from 'ws';
import { Writable, WebSocketSink } from '../../../pkg/node.mjs';
import { faces, makeChunks } from './helpers.mjs';
import { startWsServer as startServer, waitFor } from '../../shared/ws-server.mjs';

for (const [face, run] of faces) {
  test(`chunks arrive in order as messages (writes start before the socket is open) via ${face}`, async () => {
    const srv = await startServer();
    const socket = new WebSocket(srv.url); // still CONNECTING
    try {
      const chunks = [...makeChunks(20, 3000, 4), 'text frame ✓'];
      const sink = new WebSocketSink(socket, { threshold: 16 * 1024 });
      assert.equal(sink.socket, socket);
      await run(sink, chunks);
      await waitFor(() => srv.messages.length === chunks.length);
      assert.deepEqual(srv.messages.map((m) => m.data), chunks.map((c) => Buffer.from(c)));
      // The faces encode strings to bytes by default (decodeStrings), so every frame is binary.
      assert.ok(srv.messages.every((m) => m.isBinary));
      assert.equal(socket.bufferedAmount, 0, 'final() waited for the socket buffer to empty');
    } finally {
      socket.terminate();
      await srv.close();
    }
  });
}

test('with decodeStrings: false a string chunk is sent as a text frame', async () => {
  const srv = await startServer();
  const socket = new WebSocket(srv.url);
  try {
    const w = new Writable({ decodeStrings: false, sink: new WebSocketSink(socket) });
    w.write('héllo');
    w.write(new Uint8Array([1, 2]));
    w.end();
    await once(w, 'finish');
    await waitFor(() => srv.messages.length === 2);
    assert.deepEqual(srv.messages.map((m) => [m.isBinary, m.data.length]), [[false, 6], [true, 2]]);
    assert.equal(srv.messages[0].data.toString(), 'héllo');
  } finally {
    socket.terminate();
    await srv.close();
  }
});

test('a paused reader holds the producer back: the write stays pending while bufferedAmount > threshold', async () => {
  const srv = await startServer();
  const socket = new WebSocket(srv.url);
  await once(socket, 'open');
  const conn = await srv.connected;
  conn._socket.pause(); // the server stops reading: the client's buffer fills up
  try {
    const threshold = 64 * 1024;
    const w = new Writable({ highWaterMark: 64 * 1024, sink: new WebSocketSink(socket, { threshold, pollMs: 5 }) });
    const chunk = new Uint8Array(256 * 1024);
    let written = 0;
    let blocked = false;
    // Write until write() returns false and stays undrained for 300 ms.
    for (let i = 0; i < 200 && !blocked; i++) {
      written++;
      if (!w.write(chunk)) {
        const drained = once(w, 'drain').then(() => true);
        blocked = !(await Promise.race([drained, new Promise((r) => setTimeout(() => r(false), 300))]));
      }
    }
    assert.ok(blocked, 'the stream stopped draining while the reader was paused');
    assert.ok(socket.bufferedAmount > threshold, `bufferedAmount ${socket.bufferedAmount}`);
    assert.ok(w.writableLength <= 64 * 1024 + chunk.length, `writableLength ${w.writableLength}`);
    const sentWhileBlocked = written;
    conn._socket.resume();
    w.end();
    await once(w, 'finish');
    await waitFor(() => srv.messages.length === sentWhileBlocked);
    assert.equal(srv.messages.reduce((n, m) => n + m.data.length, 0), sentWhileBlocked * chunk.length);
    console.log(`# blocked after ${sentWhileBlocked} chunks of 256 KiB (bufferedAmount threshold 64 KiB)`);
  } finally {
    socket.terminate();
    await srv.close();
  }
});

test('the socket closing mid-stream errors the stream with ERR_SOCKET_CLOSED', async () => {
  const srv = await startServer();
  const socket = new WebSocket(srv.url);
  await once(socket, 'open');
  const conn = await srv.connected;
  conn._socket.pause();
  try {
    const w = new Writable({ sink: new WebSocketSink(socket, { threshold: 1024, pollMs: 5 }) });
    const errored = once(w, 'error');
    // More than the loopback socket buffers take: the write stays pending (the reader is paused).
    w.write(new Uint8Array(16 * 1024 * 1024));
    setTimeout(() => conn.terminate(), 50);
    const [err] = await errored;
    assert.equal(err.code, 'ERR_SOCKET_CLOSED');
    assert.match(err.message, /WebSocket/);
    assert.throws(() => new WebSocketSink(socket).write(new Uint8Array(1)), { code: 'ERR_SOCKET_CLOSED' });
  } finally {
    socket.terminate();
    await srv.close();
  }
});

test('bad arguments: not a socket is ERR_INVALID_ARG_TYPE, a bad threshold ERR_OUT_OF_RANGE', () => {
  assert.throws(() => new WebSocketSink({}), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => new WebSocketSink(null), { code: 'ERR_INVALID_ARG_TYPE' });
  const fake = { send() {}, readyState: 1, bufferedAmount: 0 };
  assert.throws(() => new WebSocketSink(fake, { threshold: -1 }), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
  assert.equal(new WebSocketSink(fake).threshold, 1024 * 1024);
  const sent = [];
  const sink = new WebSocketSink({ send: (c) => sent.push(c), readyState: 1, bufferedAmount: 0 });
  assert.equal(sink.write(new Uint8Array([1])), undefined, 'an empty buffer completes synchronously');
  assert.equal(sent.length, 1);
});
