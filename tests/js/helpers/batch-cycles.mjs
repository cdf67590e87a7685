import { props, turns } from './trace.mjs';

// The producer and sinks of the batch-cycle and lead-cycle tests (batch-cycles-match-node,
// lead-cycles-match-node).

/** Until the stream has closed, or 50 turns of the event loop (see turns) for one that does not. */
export const settle = (w) => Promise.race([new Promise((resolve) => (w.closed ? resolve() : w.once('close', resolve))), turns()]);

export const completions = {
  sync: (done) => done(),
  microtask: (done) => queueMicrotask(() => done()),
  setImmediate: (done) => setImmediate(() => done()),
};

/**
 * `batches` cork batches from a producer that waits for 'drain' whenever write() returns false:
 * batch `b` is `cork()` `depth` times (`depth(b)` for a function; with none, the first write
 * leads: it goes to the sink at once, and the batch is buffered behind it), writes of
 * `size(b, j)` bytes (or objects) until one returns false or `max` were made, then as many
 * `uncork()`s. A batch that ends without a false return goes on at once, or with `gap` through
 * `gap(pump)`. The sink (with `writev` unless `writev` is
 * false) completes each call by `complete`, but call number `at` runs `odd(w, done, log)`
 * instead; 'drain' number `atDrain` runs `inDrain(w, log, cb)` first (returning true stops the
 * producer) and `afterPump(w, log)` after the producer's batch in it; `inBatch(w, log, b)` runs
 * in every batch before its uncork()s. With `resume`, the producer goes on from the 'drain'
 * listener through it (outside the listener) instead.
 */
export function batchCycles({
  batches = 8,
  hwm = 16,
  objectMode = false,
  writev = true,
  size = () => 5,
  max = 64,
  depth = 1,
  complete = 'microtask',
  at = -1,
  odd,
  atDrain = -1,
  inDrain = () => false,
  afterPump = () => {},
  inBatch = () => {},
  resume = null,
  gap = null,
} = {}) {
  return async ({ Writable, log, cb, listen }) => {
    let calls = 0;
    const call = (what, n, done) => {
      const k = calls++;
      log(what, k, n);
      if (k === at) return odd(w, done, log);
      // What a completion's hand-out of the next write throws comes out of the completion.
      completions[complete](() => {
        try {
          done();
        } catch (err) {
          log('completion threw', err.message);
        }
      });
    };
    const options = {
      highWaterMark: hwm,
      objectMode,
      write(chunk, enc, done) {
        call('write', 1, done);
      },
    };
    if (writev) options.writev = (entries, done) => call('writev', entries.length, done);
    const w = listen(new Writable(options));
    let b = 0;
    let drains = 0;
    const pump = () => {
      while (b < batches) {
        const corks = typeof depth === 'function' ? depth(b) : depth;
        for (let d = 0; d < corks; d++) w.cork();
        let ok = true;
        let j = 0;
        while (ok && j < max) {
          const len = size(b, j);
          try {
            ok = w.write(objectMode ? { b, j } : Buffer.alloc(len, j));
          } catch (err) {
            log('write threw', b, j, err.message);
            return;
          }
          j++;
        }
        log('batch', b, j, ok);
        inBatch(w, log, b);
        b++;
        try {
          for (let d = 0; d < corks; d++) w.uncork();
        } catch (err) {
          log('uncork threw', err.message);
        }
        if (!ok) {
          w.once('drain', () => {
            const n = drains++;
            log('drain', n);
            if (n === atDrain && inDrain(w, log, cb) === true) return;
            if (resume) resume(pump);
            else pump();
            if (n === atDrain) afterPump(w, log);
          });
          return;
        }
        if (gap && b < batches) {
          gap(pump);
          return;
        }
      }
      w.end(cb('end'));
    };
    pump();
    await settle(w);
    log('at the end', props(w), w._writableState.pendingcb);
  };
}

