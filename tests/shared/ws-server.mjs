// A WebSocket server on 127.0.0.1 for the WebSocketSink tests (Node only: the `ws` package),
// used by tests/js/sinks/websocket-sink.test.mjs (a `ws` client) and tests/e2e/sinks.test.mjs
// (the browser's WebSocket).
import { once } from 'node:events';
import { WebSocketServer } from 'ws';

/**
 * Starts a server on an ephemeral port that records the messages of its first connection:
 * `{ url, messages: [{ data: Buffer, isBinary }], connected: Promise<ws>, close() }`.
 * `connected` resolves with the server's side of that connection (`conn._socket.pause()` makes
 * it a reader that has stopped reading).
 */
export async function startWsServer() {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  const messages = [];
  const connected = new Promise((resolve) => {
    server.once('connection', (conn) => {
      conn.on('message', (data, isBinary) => messages.push({ data: Buffer.from(data), isBinary }));
      resolve(conn);
    });
  });
  const url = `ws://127.0.0.1:${server.address().port}`;
  const close = () =>
    new Promise((resolve) => {
      for (const c of server.clients) c.terminate();
      server.close(() => resolve());
    });
  return { url, messages, connected, close };
}

/** Resolves once `cond()` is true; rejects after `ms`. */
export async function waitFor(cond, ms = 5000, what = 'a condition') {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
