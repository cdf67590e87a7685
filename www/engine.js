// One bounded run of the demo: producers writing into one stream (Node-style `Writable`, WHATWG
// `createWritableStream` + `writer.ready`, or a generated `ReadableStream` piped into
// `Writable.toWeb(w)`), over a paced sink. Knows nothing about the DOM: the page polls
// `snapshot()` once per frame and gets events through `hooks.event`.
//
// Every run is bounded: producers stop after `durationMs` or after LIMITS.maxBytes /
// LIMITS.maxObjects, then the stream is ended; whatever the sink has not taken GRACE_MS later is
// discarded by destroying the stream, so a run never outlives duration + ~1 s.
import { Writable, createWritableStream } from '/pkg/browser.js';
import { PacedSink } from './sinks.js';

export const LIMITS = Object.freeze({
  maxBytes: 64 * 1024 * 1024,
  maxObjects: 200_000,
  maxDurationMs: 10_000,
  maxProducers: 16,
  graceMs: 1000,
});

/** Producers are timer driven: every TICK_MS each one gets `rate × elapsed` chunks to write. */
const TICK_MS = 10;
/** A producer holds at most this much of its rate as pending chunks: enough to ride out late timer
 * ticks, little enough that a stalled source does not hoard. */
const BURST_MS = 100;

const noop = () => {};

/** @typedef {'node' | 'web' | 'pipe'} Face */

/**
 * @typedef {object} RunConfig
 * @property {Face} face
 * @property {boolean} objectMode
 * @property {number} highWaterMark   bytes, or objects in objectMode
 * @property {number} chunkSize       bytes per chunk (objectMode: bytes of each object's payload)
 * @property {number} rate            chunks per second, per producer
 * @property {number} producers
 * @property {boolean} respect        wait for 'drain' / writer.ready
 * @property {number} corkBatch       1 = no cork; n = cork(), n writes, uncork() (Node face)
 * @property {number} sinkSpeed       units per second (bytes or objects); 0 = instant
 * @property {number} sinkLatencyMs   fixed cost per sink call
 * @property {number} durationMs
 */

export class Run {
  /**
   * @param {RunConfig} cfg
   * @param {{ event?: (kind: string, text: string, t: number) => void }} hooks
   */
  constructor(cfg, hooks = {}) {
    this.cfg = { ...cfg };
    const c = this.cfg;
    if (c.face === 'web' || c.face === 'pipe') c.corkBatch = 1;
    if (c.face === 'pipe') {
      c.producers = 1;
      c.respect = true;
    }
    c.producers = Math.min(Math.max(1, c.producers | 0), LIMITS.maxProducers);
    c.durationMs = Math.min(Math.max(100, c.durationMs), LIMITS.maxDurationMs);
    this.hooks = hooks;
    this.state = 'idle';
    this.t0 = 0;
    this.producing = false;
    this.finished = false;
    this.forced = false;
    this.discarded = 0;
    this.producedUnits = 0;
    this.producedChunks = 0;
    this.maxUnits = c.objectMode ? LIMITS.maxObjects : LIMITS.maxBytes;
    this.seq = 0;
    this.waiting = [];
    this.inBackpressure = false;
    // Counters for the WHATWG face, which has no stats(): the page counts what a user sees.
    this.webPeak = 0;
    this.webFalse = 0;
    this.webReady = 0;
    this.readyWatch = false;
    this.webClosed = false;
    /** Chart marks: { t, kind } for drain / ready / stop / end. */
    this.marks = [];
    this.frameMin = Infinity;
    this.frameMax = -Infinity;
    this.timers = new Set();
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
  }

  get unit() {
    return this.cfg.objectMode ? 'objects' : 'bytes';
  }

  /** Milliseconds since the run started. */
  now() {
    return performance.now() - this.t0;
  }

  event(kind, text) {
    const t = this.now();
    if (kind === 'drain' || kind === 'ready' || kind === 'stop' || kind === 'end') this.marks.push({ t, kind });
    this.hooks.event?.(kind, text, t);
  }

  /** Units buffered now: `writableLength`, or `highWaterMark − desiredSize` on the WHATWG face. */
  buffered() {
    if (this.w) return this.w.writableLength;
    if (this.writer) {
      if (this.webClosed) return 0;
      const d = this.writer.desiredSize;
      return d === null ? 0 : this.strategyHwm - d;
    }
    return 0;
  }

  /** Record the buffered length for this frame's min/max band on the chart. */
  observe() {
    const b = this.buffered();
    if (b < this.frameMin) this.frameMin = b;
    if (b > this.frameMax) this.frameMax = b;
    return b;
  }

  /** Take this frame's min/max (and start a new frame). */
  takeFrame() {
    const b = this.observe();
    const frame = { min: this.frameMin, max: this.frameMax, v: b };
    this.frameMin = Infinity;
    this.frameMax = -Infinity;
    return frame;
  }

  /** The counters, from the core's stats() where the face exposes a Writable. */
  snapshot() {
    const sink = this.sink;
    const s = {
      state: this.state,
      elapsedMs: this.t0 ? this.now() : 0,
      buffered: this.buffered(),
      peak: this.webPeak,
      returnedFalse: this.webFalse,
      drains: this.webReady,
      sinkCalls: sink ? sink.calls : 0,
      writevCalls: sink ? sink.writevCalls : 0,
      writtenUnits: sink ? sink.unitsDone : 0,
      writtenChunks: sink ? sink.chunksDone : 0,
      producedUnits: this.producedUnits,
      producedChunks: this.producedChunks,
      lastDoneMs: sink && sink.lastDoneAt ? sink.lastDoneAt - this.t0 : 0,
    };
    if (this.w) {
      const st = this.w.stats();
      s.peak = st.peakLength;
      s.returnedFalse = st.writesReturnedFalse;
      s.drains = st.drains;
      s.coreSinkCalls = st.sinkCalls;
      s.coreWritevCalls = st.writevCalls;
    }
    return s;
  }

  makeSink() {
    const c = this.cfg;
    // ThrottleSink: once the package exports a Rust ThrottleSink, a byte-mode run with no per-call
    // latency and no cork can use `new ThrottleSink(new CountingSink(), { bytesPerSecond:
    // c.sinkSpeed })` here (it would need stats of its own for the sink-call counters).
    return new PacedSink({
      objectMode: c.objectMode,
      unitsPerSecond: c.sinkSpeed,
      latencyMs: c.sinkLatencyMs,
      onStart: () => this.observe(),
      onDone: () => this.observe(),
    });
  }

  makeChunk(p) {
    const c = this.cfg;
    const seq = this.seq++;
    let units = 1;
    let chunk;
    if (c.objectMode) {
      chunk = { seq, producer: p.id, payload: 'x'.repeat(c.chunkSize) };
    } else {
      chunk = new Uint8Array(c.chunkSize);
      chunk.fill(65 + (p.id % 26));
      units = c.chunkSize;
    }
    this.producedUnits += units;
    this.producedChunks++;
    if (this.producedUnits >= this.maxUnits) {
      this.stopProducing(`limit reached: ${this.maxUnits} ${this.unit} produced`);
    }
    return chunk;
  }

  later(ms, fn) {
    const id = setTimeout(() => {
      this.timers.delete(id);
      fn();
    }, ms);
    this.timers.add(id);
    return id;
  }

  /** Start the run; resolves with the summary when the stream has finished or been destroyed. */
  start() {
    const c = this.cfg;
    this.t0 = performance.now();
    this.state = 'running';
    this.producing = true;
    this.sink = this.makeSink();
    this.producers = Array.from({ length: c.producers }, (_, i) => ({ id: i + 1, tokens: 1, waiting: false }));
    try {
      if (c.face === 'node') this.startNode();
      else if (c.face === 'web') this.startWeb();
      else this.startPipe();
    } catch (err) {
      this.event('error', `could not start: ${err.message}`);
      this.finish();
      return this.done;
    }
    this.event('start', describe(c));
    this.later(c.durationMs, () => this.stopProducing(`${(c.durationMs / 1000).toFixed(1)} s elapsed`));
    if (c.face !== 'pipe') {
      this.lastTick = performance.now();
      this.interval = setInterval(() => this.tick(), TICK_MS);
      this.tick();
    }
    return this.done;
  }

  /** The run's Node-style stream over the sink, with the listeners both faces that use it share. */
  makeWritable(finishText) {
    const c = this.cfg;
    const w = new Writable({ sink: this.sink, highWaterMark: c.highWaterMark, objectMode: c.objectMode });
    this.w = w;
    w.on('drain', () => this.onDrain());
    w.on('error', (err) => {
      if (!this.forced) this.event('error', `'error': ${err.code ?? ''} ${err.message}`);
    });
    w.on('finish', () => this.event('end', finishText));
    return w;
  }

  startNode() {
    const w = this.makeWritable(`'finish': the sink took everything`);
    w.on('close', () => this.finish());
  }

  startWeb() {
    const c = this.cfg;
    const ws = createWritableStream(this.sink, { highWaterMark: c.highWaterMark, objectMode: c.objectMode });
    this.strategyHwm = Math.max(1, c.highWaterMark);
    this.writer = ws.getWriter();
    this.onWriteRejected = noop; // every write promise gets a handler: aborting rejects them all
  }

  startPipe() {
    const c = this.cfg;
    const w = this.makeWritable(`'finish': the source closed and the sink took everything`);
    const ws = Writable.toWeb(w);
    const p = this.producers[0];
    let last = performance.now();
    const run = this;
    const source = new ReadableStream(
      {
        async pull(controller) {
          for (;;) {
            if (!run.producing) {
              controller.close();
              return;
            }
            const t = performance.now();
            p.tokens = Math.min(p.tokens + (c.rate * (t - last)) / 1000, Math.max(1, (c.rate * BURST_MS) / 1000));
            last = t;
            if (p.tokens >= 1) {
              p.tokens -= 1;
              controller.enqueue(run.makeChunk(p));
              run.observe();
              return;
            }
            await new Promise((resolve) => run.later(TICK_MS, resolve));
          }
        },
      },
      { highWaterMark: 1, size: () => 1 },
    );
    this.abortPipe = new AbortController();
    source.pipeTo(ws, { signal: this.abortPipe.signal }).then(
      () => this.finish(),
      (err) => {
        if (!this.forced) this.event('error', `pipeTo rejected: ${err.message}`);
        // The Writable closes after the abort reaches it; finish() on 'close' or here, first wins.
        this.finish();
      },
    );
    w.on('close', () => this.finish());
  }

  tick() {
    if (!this.producing) return;
    const t = performance.now();
    const dt = t - this.lastTick;
    this.lastTick = t;
    const c = this.cfg;
    const cap = Math.max(1, (c.rate * BURST_MS) / 1000);
    const ps = this.producers;
    for (const p of ps) p.tokens = Math.min(p.tokens + (c.rate * dt) / 1000, cap);
    // Rotate who goes first so no producer is always last.
    const first = this.tickCount = ((this.tickCount ?? -1) + 1) % ps.length;
    for (let i = 0; i < ps.length && this.producing; i++) this.pump(ps[(first + i) % ps.length]);
  }

  pump(p) {
    if (this.cfg.face === 'node') this.pumpNode(p);
    else this.pumpWeb(p);
  }

  pumpNode(p) {
    const w = this.w;
    const batch = this.cfg.corkBatch;
    while (!p.waiting && p.tokens >= 1 && this.producing) {
      if (batch > 1) {
        const k = Math.min(batch, Math.floor(p.tokens));
        w.cork();
        for (let i = 0; i < k && !p.waiting && this.producing; i++) this.writeNode(p);
        w.uncork();
        this.observe();
      } else {
        this.writeNode(p);
      }
    }
  }

  writeNode(p) {
    const chunk = this.makeChunk(p);
    p.tokens -= 1;
    const ok = this.w.write(chunk);
    const b = this.observe();
    if (ok) return;
    if (!this.inBackpressure) {
      this.inBackpressure = true;
      this.event(
        'false',
        this.cfg.respect
          ? `write() returned false at ${fmtUnits(b, this.cfg.objectMode)} buffered: producer ${p.id} waits for 'drain'`
          : `write() returned false at ${fmtUnits(b, this.cfg.objectMode)} buffered, and is ignored: producers keep writing`,
      );
    }
    if (this.cfg.respect) {
      p.waiting = true;
      this.waiting.push(p);
    }
  }

  onDrain() {
    this.inBackpressure = false;
    this.observe();
    const ps = this.waiting;
    this.waiting = [];
    this.event(
      'drain',
      ps.length > 1 ? `'drain': ${ps.length} producers wake up at once` : ps.length === 1 ? `'drain': producer ${ps[0].id} resumes` : `'drain'`,
    );
    for (const p of ps) p.waiting = false;
    if (this.cfg.face === 'node') for (const p of ps) if (this.producing) this.pump(p);
  }

  pumpWeb(p) {
    const writer = this.writer;
    while (!p.waiting && p.tokens >= 1 && this.producing) {
      if (this.cfg.respect && writer.desiredSize <= 0) {
        this.waitReady(p);
        return;
      }
      this.writeWeb(p);
    }
  }

  writeWeb(p) {
    const writer = this.writer;
    const chunk = this.makeChunk(p);
    p.tokens -= 1;
    writer.write(chunk).catch(this.onWriteRejected);
    const b = this.observe();
    if (b > this.webPeak) this.webPeak = b;
    if (writer.desiredSize > 0) return;
    this.webFalse++;
    if (!this.readyWatch) {
      this.readyWatch = true;
      this.event(
        'false',
        this.cfg.respect
          ? `desiredSize ${writer.desiredSize} (${fmtUnits(b, this.cfg.objectMode)} queued): producer ${p.id} awaits writer.ready`
          : `desiredSize ${writer.desiredSize}, and ignored: producers keep writing`,
      );
      writer.ready.then(
        () => {
          this.readyWatch = false;
          this.webReady++;
          this.observe();
          const n = this.producers.filter((q) => q.waiting).length;
          this.event('ready', n > 1 ? `writer.ready resolved: ${n} producers wake up at once` : `writer.ready resolved`);
        },
        noop,
      );
    }
    if (this.cfg.respect) this.waitReady(p);
  }

  waitReady(p) {
    p.waiting = true;
    this.writer.ready.then(
      () => {
        p.waiting = false;
        if (this.producing) this.pumpWeb(p);
      },
      () => {
        p.waiting = false;
      },
    );
  }

  /** Stop the producers and end the stream; destroy it if the sink has not caught up by then. */
  stopProducing(reason) {
    if (!this.producing) return;
    this.producing = false;
    clearInterval(this.interval);
    this.state = 'draining';
    this.waiting = [];
    this.event('stop', `producers stop (${reason}); ${fmtUnits(this.buffered(), this.cfg.objectMode)} still buffered`);
    if (this.w && this.cfg.face === 'node') {
      this.w.end();
    } else if (this.writer) {
      this.writer.close().then(
        () => {
          this.webClosed = true;
          this.event('end', 'writer.close() resolved: the sink took everything');
          this.finish();
        },
        () => this.finish(),
      );
    }
    // (pipe: the source closes at its next pull, and pipeTo then closes the writable.)
    this.later(LIMITS.graceMs, () => this.force());
  }

  /** Discard what is still buffered: destroy the Writable / abort the WritableStream. */
  force(reason) {
    if (this.finished || this.forced) return;
    this.forced = true;
    const left = this.buffered();
    this.discarded = left;
    this.event(
      'destroy',
      reason ??
        `sink ${left > 0 ? `still had ${fmtUnits(left, this.cfg.objectMode)} to go` : 'not done'} ${LIMITS.graceMs / 1000} s later: stream destroyed, queued chunks dropped`,
    );
    const err = new Error('demo run stopped');
    if (this.cfg.face === 'node') this.w.destroy();
    else if (this.cfg.face === 'web') this.writer.abort(err).then(() => this.finish(), () => this.finish());
    else this.abortPipe.abort(err);
    // Whatever happens (a sink call that never settles), the run is over a second later.
    this.later(1000, () => this.finish());
  }

  /** Stop now (the Stop / Reset buttons): producers stop and the stream is destroyed. */
  stop() {
    if (this.state === 'idle' || this.finished) return this.done;
    if (this.producing) this.stopProducing('stopped by you');
    this.force('stopped by you: stream destroyed, queued chunks dropped');
    return this.done;
  }

  finish() {
    if (this.finished) return;
    this.finished = true;
    this.producing = false;
    clearInterval(this.interval);
    for (const id of this.timers) clearTimeout(id);
    this.timers.clear();
    this.state = 'done';
    const s = this.snapshot();
    const elapsed = this.now();
    // Throughput over the time the sink was at work: from the start to its last completion.
    const active = Math.max(s.lastDoneMs || elapsed, 1);
    const summary = {
      ...this.cfg,
      unit: this.unit,
      peak: s.peak,
      returnedFalse: s.returnedFalse,
      drains: s.drains,
      sinkCalls: s.sinkCalls,
      writevCalls: s.writevCalls,
      writtenUnits: s.writtenUnits,
      writtenChunks: s.writtenChunks,
      producedUnits: s.producedUnits,
      producedChunks: s.producedChunks,
      throughput: (s.writtenUnits * 1000) / active,
      finished: !this.forced,
      // Units not written when the stream was destroyed (queued, or in a sink call still running).
      discarded: this.forced ? this.discarded : 0,
      elapsedMs: elapsed,
    };
    this.summary = summary;
    this.event(
      'done',
      summary.finished
        ? `run finished in ${(elapsed / 1000).toFixed(2)} s: ${fmtUnits(summary.writtenUnits, this.cfg.objectMode)} written`
        : `run over in ${(elapsed / 1000).toFixed(2)} s: ${fmtUnits(summary.writtenUnits, this.cfg.objectMode)} written, ${fmtUnits(summary.discarded, this.cfg.objectMode)} unwritten`,
    );
    this.resolveDone(summary);
  }
}

/** "16 KiB" / "17 objects". */
export function fmtUnits(n, objectMode) {
  if (objectMode) return `${Math.round(n).toLocaleString('en')} ${Math.round(n) === 1 ? 'object' : 'objects'}`;
  return fmtBytes(n);
}

export function fmtBytes(n) {
  const a = Math.abs(n);
  if (a < 1024) return `${Math.round(n)} B`;
  if (a < 1024 * 1024) return `${(n / 1024).toFixed(a < 10 * 1024 ? 2 : 1)} KiB`;
  if (a < 1024 * 1024 * 1024) return `${(n / 1048576).toFixed(2)} MiB`;
  return `${(n / 1073741824).toFixed(2)} GiB`;
}

const FACE_NAMES = { node: 'Node-style Writable', web: 'createWritableStream + writer.ready', pipe: 'ReadableStream.pipeTo(Writable.toWeb(w))' };

/** One line describing a configuration (for the log). */
export function describe(c) {
  const om = c.objectMode;
  const parts = [
    FACE_NAMES[c.face],
    om ? 'objectMode' : 'bytes',
    `highWaterMark ${fmtUnits(c.highWaterMark, om)}`,
    `${om ? 'objects of ' : 'chunks of '}${fmtBytes(c.chunkSize)}`,
    `${c.rate}/s${c.producers > 1 ? ` × ${c.producers} producers` : ''}`,
    c.sinkSpeed > 0 ? `sink ${om ? `${c.sinkSpeed} objects/s` : `${fmtBytes(c.sinkSpeed)}/s`}` : 'instant sink',
  ];
  if (c.sinkLatencyMs > 0) parts.push(`+${c.sinkLatencyMs} ms per sink call`);
  if (c.face !== 'pipe') parts.push(c.respect ? 'respecting backpressure' : 'ignoring backpressure');
  if (c.corkBatch > 1) parts.push(`cork batches of ${c.corkBatch}`);
  return parts.join(', ');
}
