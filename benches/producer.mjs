// The Node-style rows' shared pieces (benches/run.mjs, benches/compare.mjs,
// scripts/count-core-calls.mjs): how a sink completes, a stream of a Writable class for one row,
// and the producer, which respects backpressure (awaits 'drain' when write() returns false).
//
// A benchmark that times several Writable classes in one process gives each its own instance of
// this module (ownProducer): the same code, loaded under its own URL, so its call sites
// (w.write, w.cork, new W) learn one class. Shared, they see every class; V8 then optimises them
// for none, and a class whose write() it would inline into the producer's loop loses the most.
// Node's own Writable ran 17-20 M writes/s with a shared producer and 24-25 M/s with its own
// (cork+writev, 16 B, synchronous sink). The table (benches/run.mjs) gives each row its own too:
// the loop's call sites then learn one way of writing, not also the rows run before.

/** How the sink completes each write (or writev batch). */
export const completions = {
  sync: (cb) => cb(),
  microtask: (cb) => queueMicrotask(cb),
  setImmediate: (cb) => setImmediate(cb),
};

/**
 * A stream of the Node-style class `W` for one row: `mode` plain | writev | cork | cork+writev;
 * `highWaterMark` the stream's default when undefined.
 */
export function makeWritable(W, mode, completion, objectMode, highWaterMark = undefined) {
  const done = completions[completion];
  const options = { objectMode, highWaterMark, write(c, e, cb) { done(cb); } };
  if (mode.includes('writev')) options.writev = (entries, cb) => done(cb);
  return new W(options);
}

/**
 * Write `value` `n` times (in cork batches of `corkBatch` when it is not 0), respecting
 * backpressure; resolve when the stream has finished.
 */
export function produce(w, n, value, corkBatch) {
  return new Promise((resolve, reject) => {
    let i = 0;
    w.on('error', reject);
    w.on('finish', resolve);
    const pump = () => {
      while (i < n) {
        let ok;
        if (corkBatch > 0) {
          w.cork();
          const stop = Math.min(n, i + corkBatch);
          for (; i < stop; i++) ok = w.write(value);
          w.uncork();
        } else {
          ok = w.write(value);
          i++;
        }
        if (!ok) {
          w.once('drain', pump);
          return;
        }
      }
      w.end();
    };
    pump();
  });
}

/** This module again, as a separate instance for the implementation `name` (see above). */
export function ownProducer(name) {
  return import(`${import.meta.url.split('?')[0]}?for=${encodeURIComponent(name)}`);
}
