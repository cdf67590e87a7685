// A scripted test sink for the web-face scenarios (browser-compatible: no node: imports).
//
// `createScriptedSink()` returns a controller whose `options` is a Node-style implementation
// object ({ write(chunk, encoding, cb), final(cb), destroy(err, cb), construct?(cb) }) to pass to
// `createWritableStream(sink.options, …)` or `new Writable({ ...sink.options, … })`. Every call it
// receives is recorded in `calls`, and each write does what the script says: hang until the test
// calls `complete()` / `fail(err)`, complete synchronously, or complete on a later macrotask.

/** Resolves on a later macrotask (after every queued microtask and process.nextTick). */
export function macrotask() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Lets every pending promise chain settle (two macrotask turns, to be generous). */
export async function settle() {
  await macrotask();
  await macrotask();
}

/** 'pending' | 'fulfilled' | 'rejected': the state of `promise` once pending reactions ran. */
export async function stateOf(promise) {
  let state = 'pending';
  promise.then(
    () => {
      state = 'fulfilled';
    },
    () => {
      state = 'rejected';
    },
  );
  await settle();
  return state;
}

/** Waits until `condition()` is truthy, polling each macrotask; throws after `ms`. */
export async function until(condition, what, ms = 3000) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await macrotask();
  }
}

/** A promise that records its outcome (so a test can check it later without an unhandled rejection). */
export function track(promise) {
  const t = { state: 'pending', value: undefined, reason: undefined, promise };
  t.promise = promise.then(
    (value) => {
      t.state = 'fulfilled';
      t.value = value;
    },
    (reason) => {
      t.state = 'rejected';
      t.reason = reason;
    },
  );
  return t;
}

/** Units of a chunk as the core counts them: bytes in byte mode, 1 in objectMode. */
export function unitsOf(chunk, objectMode) {
  if (objectMode) return 1;
  if (typeof chunk === 'string') return new TextEncoder().encode(chunk).length;
  if (chunk instanceof ArrayBuffer) return chunk.byteLength;
  if (ArrayBuffer.isView(chunk)) return chunk.byteLength;
  throw new TypeError(`not a byte chunk: ${chunk}`);
}

/** The bytes of a chunk that reached the sink (a Uint8Array, or a Buffer in Node). */
export function bytesOf(chunk) {
  if (typeof chunk === 'string') return new TextEncoder().encode(chunk);
  return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/**
 * @param {{ objectMode?: boolean, mode?: 'hang' | 'sync' | 'async', finalMode?: 'sync' | 'hang',
 *           construct?: boolean }} [config]
 *   mode: what a write does unless `script()` queued something else for it;
 *   finalMode: 'hang' keeps final() pending until `completeFinal()`;
 *   construct: adds a construct(cb) that stays pending until `finishConstruct()`.
 */
export function createScriptedSink({ objectMode = false, mode = 'hang', finalMode = 'sync', construct = false } = {}) {
  const sink = {
    objectMode,
    mode,
    /** Every call, in order: { op: 'write', chunk, units } | { op: 'final' } | { op: 'destroy', err } | { op: 'construct' } */
    calls: [],
    /** Writes handed to the sink and not yet completed, oldest first. */
    inFlight: [],
    /** Most writes ever in flight at once (must stay 1: never concurrent). */
    maxInFlight: 0,
    /** Units the sink has completed (successfully or not). */
    completedUnits: 0,
    /** Actions queued for the next writes (see `script`). */
    queued: [],
    /** Called at the start of each write with (chunk, sink); may re-enter the stream. */
    onWrite: null,
    finalCb: null,
    constructCb: null,
    get writes() {
      return this.calls.filter((c) => c.op === 'write').map((c) => c.chunk);
    },
    get destroyCalls() {
      return this.calls.filter((c) => c.op === 'destroy');
    },
    get finalCalls() {
      return this.calls.filter((c) => c.op === 'final');
    },
    /** Queue actions for the next writes: 'hang' | 'sync' | 'async' | { reject: err }. */
    script(...actions) {
      this.queued.push(...actions);
      return this;
    },
    /** Completes the oldest in-flight write (or fails it with `err`). */
    complete(err) {
      const entry = this.inFlight.shift();
      if (!entry) throw new Error('scripted sink: complete() with no write in flight');
      this.completedUnits += entry.units;
      if (err) entry.cb(err);
      else entry.cb();
    },
    fail(err) {
      this.complete(err);
    },
    /** Completes every in-flight write, including ones that arrive while doing so. */
    completeAll() {
      while (this.inFlight.length > 0) this.complete();
    },
    completeFinal(err) {
      const cb = this.finalCb;
      if (!cb) throw new Error('scripted sink: completeFinal() before final()');
      this.finalCb = null;
      cb(err);
    },
    finishConstruct(err) {
      const cb = this.constructCb;
      if (!cb) throw new Error('scripted sink: finishConstruct() before construct()');
      this.constructCb = null;
      cb(err);
    },
  };

  const options = {
    // Three parameters: createWritableStream treats this as Node-style implementation options.
    write(chunk, encoding, cb) {
      const units = unitsOf(chunk, objectMode);
      sink.calls.push({ op: 'write', chunk, units });
      const entry = { chunk, units, cb };
      sink.inFlight.push(entry);
      sink.maxInFlight = Math.max(sink.maxInFlight, sink.inFlight.length);
      if (sink.onWrite) sink.onWrite(chunk, sink);
      const action = sink.queued.length > 0 ? sink.queued.shift() : sink.mode;
      const finish = (err) => {
        const i = sink.inFlight.indexOf(entry);
        if (i < 0) return; // already completed by the test
        sink.inFlight.splice(i, 1);
        sink.completedUnits += units;
        cb(err);
      };
      if (action === 'sync') finish();
      else if (action === 'async') setTimeout(() => finish(), 0);
      else if (action && typeof action === 'object' && 'reject' in action) setTimeout(() => finish(action.reject), 0);
      // 'hang': wait for complete() / fail()
    },
    final(cb) {
      sink.calls.push({ op: 'final' });
      if (finalMode === 'hang') sink.finalCb = cb;
      else cb();
    },
    destroy(err, cb) {
      sink.calls.push({ op: 'destroy', err });
      cb(err);
    },
  };
  if (construct) {
    options.construct = function (cb) {
      sink.calls.push({ op: 'construct' });
      sink.constructCb = cb;
    };
  }
  sink.options = options;
  return sink;
}
