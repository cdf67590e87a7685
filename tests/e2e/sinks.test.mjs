// The Rust sinks in headless Chromium (issue 7), through both faces (`new Writable({ sink })` and
// `createWritableStream(sink)`), checked against what only a browser has: the browser's own
// WebSocket (against a `ws` server on 127.0.0.1 started here), `DecompressionStream` and
// `crypto.subtle.digest`. What Node can check (zlib, node:crypto, the `ws` client, error codes in
// detail) is in tests/js/sinks/.
//
// Serves pkg/ at /pkg/, tests/shared/ at /shared/ and tests/e2e/page/ at / on an ephemeral
// 127.0.0.1 port; each test (re)loads /sinks.html (which imports /pkg/browser.js and
// tests/shared/sink-faces.mjs) and runs its body there. A test fails on any console
// error/warning, page error or failed request while it ran.
//
// Run: node --test tests/e2e/sinks.test.mjs   (after `make pkg`; `make test LAYERS=e2e`)
// Env: CHROMIUM_PATH overrides /usr/bin/chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../../scripts/chromium.mjs';
import { startStaticServer } from '../../scripts/serve.mjs';
import { watchProblems, gotoReady } from './browser-page.mjs';
import { makeChunks } from '../shared/sink-faces.mjs';
import { startWsServer, waitFor } from '../shared/ws-server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const FACES = ['new Writable({ sink })', 'createWritableStream(sink)'];

let browser;
let page;
let server;
let problems;

before(async () => {
  assert.ok(fs.existsSync(path.join(root, 'pkg', 'browser.js')), 'pkg/ is not built: run `make pkg` first');
  server = await startStaticServer({
    mounts: [
      ['/pkg/', path.join(root, 'pkg')],
      ['/shared/', path.join(root, 'tests', 'shared')],
      ['/', path.join(here, 'page')],
    ],
  });
  browser = await launchChromium();
  page = await browser.newPage();
  problems = watchProblems(page);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** A fresh document, package and wasm instance for each test. */
async function loadPage() {
  problems.splice(0);
  await gotoReady(page, `${server.url}sinks.html`, problems);
}

async function noProblems() {
  await page.waitForTimeout(50); // let late console errors (an unhandled rejection) surface
  assert.deepEqual(problems, [], 'console errors/warnings, page errors or failed requests');
}

/** Loads the page, runs `fn(arg)` in it and returns its result; fails on any page problem. */
async function inPage(fn, arg) {
  await loadPage();
  const result = await page.evaluate(fn, arg);
  await noProblems();
  return result;
}

// ---------------------------------------------------------------------------------------------
// WebSocketSink over the browser's WebSocket

/** The chunks the order test sends: one per size, each made by makeChunks with its own seed. */
const orderSizes = [1, 100, 3000, 65_536, 70_000, 5, 200_000, 16_384, 16_385];
const orderChunk = (size, i) => makeChunks(1, size, i + 1)[0];

for (const face of FACES) {
  test(`WebSocketSink: every byte arrives in order, writes starting while the socket connects, via ${face}`, async () => {
    const srv = await startWsServer();
    try {
      const out = await inPage(
        async ({ face, url, sizes }) => {
          const { api, face: run, makeChunks } = window.sinkTest;
          const socket = new WebSocket(url); // still CONNECTING when the first write comes
          const sink = new api.WebSocketSink(socket, { threshold: 16 * 1024, pollMs: 2 });
          const chunks = sizes.map((size, i) => makeChunks(1, size, i + 1)[0]);
          chunks.push('text ✓');
          await run(face)(sink, chunks);
          const state = { sameSocket: sink.socket === socket, bufferedAfterFinish: socket.bufferedAmount };
          socket.close();
          return state;
        },
        { face, url: srv.url, sizes: orderSizes },
      );
      assert.ok(out.sameSocket);
      assert.equal(out.bufferedAfterFinish, 0, 'final() waited for bufferedAmount to reach 0');
      const expected = [...orderSizes.map(orderChunk), Buffer.from('text ✓')];
      await waitFor(() => srv.messages.length === expected.length, 5000, `${expected.length} messages`);
      srv.messages.forEach((m, i) => {
        assert.ok(m.isBinary, `message ${i} is binary (the face encodes strings to bytes)`);
        assert.ok(m.data.equals(expected[i]), `message ${i} (${expected[i].length} bytes) arrived intact and in order`);
      });
    } finally {
      await srv.close();
    }
  });

  test(`WebSocketSink: a server that stops reading holds the producer back, bufferedAmount stays near the threshold, via ${face}`, { timeout: 30_000 }, async () => {
    const THRESHOLD = 64 * 1024;
    const CHUNK = 256 * 1024;
    const srv = await startWsServer();
    srv.connected.then((conn) => conn._socket.pause()); // a reader that has stopped reading
    try {
      await loadPage();
      // The producer pulls chunks from a generator: a pull is the face asking for the next chunk,
      // so no pull for a while means the producer is held back. Chunk i starts with i (uint32)
      // and is filled with i & 0xff.
      const run = page.evaluate(
        async ({ face, url, THRESHOLD, CHUNK }) => {
          const { api, face: runFace } = window.sinkTest;
          const socket = new WebSocket(url);
          const state = (window.wsState = { pulled: 0, lastPull: 0, maxBuffered: 0, stopAt: null });
          const sample = () => {
            state.maxBuffered = Math.max(state.maxBuffered, socket.bufferedAmount);
          };
          const timer = setInterval(sample, 1);
          function* produce() {
            for (let i = 0; state.stopAt === null || i < state.stopAt; i++) {
              sample();
              state.pulled = i + 1;
              state.lastPull = performance.now();
              const c = new Uint8Array(CHUNK).fill(i & 0xff);
              new DataView(c.buffer).setUint32(0, i);
              yield c;
              sample();
            }
          }
          try {
            await runFace(face)(new api.WebSocketSink(socket, { threshold: THRESHOLD, pollMs: 2 }), produce());
          } finally {
            clearInterval(timer);
          }
          sample();
          socket.close();
          return { maxBuffered: state.maxBuffered, sent: state.pulled };
        },
        { face, url: srv.url, THRESHOLD, CHUNK },
      );
      run.catch(() => {}); // awaited below; a failure must not be unhandled meanwhile

      // Wait until the producer has not pulled for 300 ms: held back.
      let held;
      const until = Date.now() + 15_000;
      for (;;) {
        const s = await page.evaluate(() => ({ ...window.wsState, now: performance.now(), buffered: null }));
        if (s.pulled > 0 && s.now - s.lastPull > 300) {
          held = s;
          break;
        }
        assert.ok(Date.now() < until && s.pulled < 400, `the producer was never held back (${s.pulled} chunks of 256 KiB pulled)`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const conn = await srv.connected;
      assert.equal(srv.messages.length, 0, 'the paused server read nothing');
      assert.ok(held.maxBuffered > THRESHOLD, `bufferedAmount went above the threshold while held (max ${held.maxBuffered})`);
      assert.ok(held.maxBuffered <= THRESHOLD + CHUNK, `bufferedAmount ${held.maxBuffered} stayed within threshold + one chunk`);

      // A slow reader: read 5 ms in every 25, for 16 more chunks (4 MiB), then stop producing.
      const stopAt = held.pulled + 16;
      await page.evaluate((n) => {
        window.wsState.stopAt = n;
      }, stopAt);
      let settled = false;
      run.then(() => (settled = true), () => (settled = true));
      while (!settled) {
        conn._socket.resume();
        await new Promise((r) => setTimeout(r, 5));
        conn._socket.pause();
        await new Promise((r) => setTimeout(r, 20));
      }
      conn._socket.resume();
      const out = await run;
      await noProblems();

      assert.equal(out.sent, stopAt);
      assert.ok(out.maxBuffered <= THRESHOLD + CHUNK, `bufferedAmount peaked at ${out.maxBuffered}, within threshold + one chunk`);
      await waitFor(() => srv.messages.length === stopAt, 10_000, `${stopAt} messages`);
      srv.messages.forEach((m, i) => {
        assert.equal(m.data.length, CHUNK);
        assert.equal(m.data.readUInt32BE(0), i, `message ${i} in order`);
        assert.equal(m.data[CHUNK - 1], i & 0xff);
      });
      console.log(`# held back after ${held.pulled} chunks of 256 KiB; bufferedAmount max ${out.maxBuffered} (threshold ${THRESHOLD})`);
    } finally {
      await srv.close();
    }
  });

  test(`WebSocketSink: the server closing mid-stream errors the stream with ERR_SOCKET_CLOSED via ${face}`, async () => {
    const srv = await startWsServer();
    srv.connected.then((conn) => {
      conn._socket.pause();
      setTimeout(() => conn.terminate(), 200);
    });
    try {
      const out = await inPage(
        async ({ face, url }) => {
          const { api, face: run, failureOf } = window.sinkTest;
          const socket = new WebSocket(url);
          const chunk = new Uint8Array(1 << 20);
          let written = 0;
          function* endless() {
            for (; written < 4096; written++) yield chunk; // at most 4 GiB: it must fail long before
          }
          const failure = await failureOf(run(face)(new api.WebSocketSink(socket, { threshold: 1024, pollMs: 2 }), endless()));
          return { failure, written, readyState: socket.readyState };
        },
        { face, url: srv.url },
      );
      assert.ok(out.failure, `the stream errored (after ${out.written} MiB)`);
      assert.ok(out.written < 4096, 'mid-stream');
      assert.ok(out.failure.isError);
      assert.equal(out.failure.code, 'ERR_SOCKET_CLOSED');
      assert.match(out.failure.message, /^the WebSocket (closed|is closed)/);
      assert.equal(out.readyState, 3, 'the socket is CLOSED');
    } finally {
      await srv.close();
    }
  });
}

// ---------------------------------------------------------------------------------------------
// GzipSink / DeflateSink against DecompressionStream

for (const face of FACES) {
  for (const [sinkName, format] of [['GzipSink', 'gzip'], ['DeflateSink', 'deflate']]) {
    test(`${sinkName}: DecompressionStream('${format}') gives back the input (text, random, empty; chunks of 1 B to 64 KiB) via ${face}`, async () => {
      const results = await inPage(
        async ({ face, sinkName, format }) => {
          const { api, face: run, makeChunks, sliceInto, sameBytes } = window.sinkTest;
          const words = ['stream', 'sink', 'wasm', 'rust', 'drain', 'chunk', 'buffer', 'pipe', 'écrire', '✓'];
          let s = '';
          for (let i = 0; s.length < 150_000; i++) s += words[(i * 7 + (i >> 3)) % words.length] + (i % 13 ? ' ' : '\n');
          const data = { text: new TextEncoder().encode(s), random: makeChunks(1, 150_000, 9)[0] };
          const cases = [['empty', new Uint8Array(0), 1]];
          for (const [name, bytes] of Object.entries(data)) {
            for (const size of [100, 4096, 65_536]) cases.push([name, bytes, size]);
            cases.push([name, bytes.subarray(0, 3000), 1]); // one byte per write
          }
          const results = [];
          for (const [i, [name, bytes, size]] of cases.entries()) {
            const level = [1, 6, 9][i % 3];
            const sink = new api[sinkName](new api.MemorySink(), { level });
            await run(face)(sink, sliceInto(bytes, size));
            const compressed = sink.inner.bytes();
            const stream = new Blob([compressed]).stream().pipeThrough(new DecompressionStream(format));
            const back = new Uint8Array(await new Response(stream).arrayBuffer());
            results.push({ what: `${name} (${bytes.length} B) in ${size} B chunks at level ${level}`, compressed: compressed.length, ok: sameBytes(back, bytes) });
          }
          return results;
        },
        { face, sinkName, format },
      );
      assert.equal(results.length, 9);
      for (const r of results) assert.equal(r.ok, true, `${r.what}: ${r.ok}`);
      const text = results.find((r) => r.what.startsWith('text') && r.what.includes(' in 65536 B'));
      assert.ok(text.compressed < 150_000 / 3, `text compresses (${text.compressed} B)`);
    });
  }
}

// ---------------------------------------------------------------------------------------------
// DigestSink against crypto.subtle.digest

for (const face of FACES) {
  for (const [algorithm, webName] of [['sha256', 'SHA-256'], ['sha1', 'SHA-1'], ['sha512', 'SHA-512']]) {
    test(`DigestSink('${algorithm}'): hex and bytes equal crypto.subtle.digest('${webName}') (empty, 1 B, many chunks, 3 MiB) via ${face}`, async () => {
      const results = await inPage(
        async ({ face, algorithm, webName }) => {
          const { api, face: run, makeChunks, sliceInto, concatBytes, hex, sameBytes } = window.sinkTest;
          const inputs = {
            empty: [],
            'one byte': [new Uint8Array([0x61])],
            'many chunks': [...[1, 63, 64, 65, 127, 128, 1000, 4096, 70_000].map((n, i) => makeChunks(1, n, i + 3)[0]), 'héllo ✓'],
            '3 MiB': sliceInto(makeChunks(1, 3 << 20, 17)[0], 64 * 1024),
          };
          const results = [];
          for (const [name, chunks] of Object.entries(inputs)) {
            const sink = new api.DigestSink(algorithm);
            await run(face)(sink, chunks);
            const data = concatBytes(chunks);
            const expected = new Uint8Array(await crypto.subtle.digest(webName, data));
            const bytes = sink.digest();
            results.push({
              name,
              isBytes: bytes instanceof Uint8Array,
              bytes: sameBytes(bytes, expected),
              hex: sink.hex(),
              expectedHex: hex(expected),
              byteCount: sink.byteCount,
              length: data.length,
            });
          }
          return results;
        },
        { face, algorithm, webName },
      );
      assert.deepEqual(results.map((r) => r.name), ['empty', 'one byte', 'many chunks', '3 MiB']);
      for (const r of results) {
        assert.equal(r.hex, r.expectedHex, `${r.name}: hex`);
        assert.ok(r.isBytes, `${r.name}: digest() is a Uint8Array`);
        assert.equal(r.bytes, true, `${r.name}: bytes`);
        assert.equal(r.byteCount, r.length, `${r.name}: byteCount`);
      }
    });
  }
}

// ---------------------------------------------------------------------------------------------
// MemorySink's limit, NdjsonSink

for (const face of FACES) {
  test(`MemorySink({ limit }): going over it errors the stream with ERR_SINK_LIMIT and keeps what fitted, via ${face}`, async () => {
    const out = await inPage(
      async ({ face }) => {
        const { api, face: run, failureOf } = window.sinkTest;
        const sink = new api.MemorySink({ limit: 10 });
        const failure = await failureOf(run(face)(sink, ['12345', '678', '9abc', 'def']));
        return { failure, kept: sink.text(), byteLength: sink.byteLength, limit: sink.limit };
      },
      { face },
    );
    assert.ok(out.failure, 'the stream errored');
    assert.ok(out.failure.isError);
    assert.equal(out.failure.code, 'ERR_SINK_LIMIT');
    assert.match(out.failure.message, /limit of 10 bytes/);
    assert.equal(out.kept, '12345678');
    assert.deepEqual([out.byteLength, out.limit], [8, 10]);
  });

  test(`NdjsonSink: every line parses back with JSON.parse in the page, via ${face}`, async () => {
    const out = await inPage(
      async ({ face }) => {
        const { api, face: run } = window.sinkTest;
        const values = [
          { a: 1, b: [true, null, 2.5e-7] },
          'line\nbreak, "quotes", tab\t and ✓ é 😀',
          42,
          -0,
          [1, 'two', { three: [3] }],
          { nested: { deep: 'é', when: new Date(0) } },
          false,
          '',
        ];
        const inner = new api.MemorySink();
        const sink = new api.NdjsonSink(inner);
        await run(face)(sink, values, { objectMode: true });
        const text = inner.text();
        return {
          endsWithNewline: text.endsWith('\n'),
          parsed: text.slice(0, -1).split('\n').map((line) => JSON.parse(line)),
          expected: values.map((v) => JSON.parse(JSON.stringify(v))),
          lineCount: sink.lineCount,
        };
      },
      { face },
    );
    assert.ok(out.endsWithNewline);
    assert.deepEqual(out.parsed, out.expected);
    assert.equal(out.lineCount, out.expected.length);
  });

  test(`NdjsonSink: a value JSON cannot represent errors the stream with ERR_INVALID_ARG_VALUE, via ${face}`, async () => {
    const out = await inPage(
      async ({ face }) => {
        const { api, face: run, failureOf } = window.sinkTest;
        const inner = new api.MemorySink();
        const failure = await failureOf(run(face)(new api.NdjsonSink(inner), [{ ok: 1 }, { big: 1n }, { never: 1 }], { objectMode: true }));
        return { failure, text: inner.text() };
      },
      { face },
    );
    assert.ok(out.failure?.isError);
    assert.equal(out.failure.code, 'ERR_INVALID_ARG_VALUE');
    assert.match(out.failure.message, /NdjsonSink cannot serialise the value as JSON: .*BigInt/);
    assert.equal(out.text, '{"ok":1}\n');
  });
}
