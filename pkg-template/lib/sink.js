// The sink object protocol: how a face drives a sink given as an object (a Rust sink exported by
// this package, or any JS object of the same shape):
//
//   write(chunk)        -> undefined (done) | Promise (done when it settles) | throws (failed)
//   writeString(str)    -> optional, same; used for UTF-8 strings when the face does not decode
//   writev(chunks[])    -> optional, same; gets a whole batch at once
//   final()             -> optional, same; runs after the last write, before 'finish'
//   destroy(err)        -> optional; runs once when the stream is destroyed
//
// Node-style implementation functions (write(chunk, encoding, cb), …) are made from it here, so the
// Writable face treats every sink the same way.

/** Run `call()`, then `cb()` / `cb(err)`: synchronously, or when a returned promise settles. */
export function settle(call, cb) {
  let result;
  try {
    result = call();
  } catch (err) {
    cb(err ?? new Error('sink threw a nullish value'));
    return;
  }
  settleResult(result, cb);
}

/** `cb()` for what a sink call returned, or, for a promise, once it settles. */
export function settleResult(result, cb) {
  if (result !== null && typeof result === 'object' && typeof result.then === 'function') {
    result.then(
      () => cb(),
      (err) => cb(err ?? new Error('sink rejected with a nullish value')),
    );
  } else {
    cb();
  }
}

/** True when `value` looks like a sink object (has a write method). */
export function isSinkObject(value) {
  return value !== null && typeof value === 'object' && typeof value.write === 'function';
}

/** Node-style implementation functions (`write`, `writev`, `final`, `destroy`) for a sink object. */
export function sinkImplementation(sink) {
  const hasWriteString = typeof sink.writeString === 'function';
  const impl = {
    write(chunk, encoding, cb) {
      settle(
        () =>
          typeof chunk === 'string' && hasWriteString && (encoding === 'utf8' || encoding === 'utf-8')
            ? sink.writeString(chunk)
            : sink.write(chunk),
        cb,
      );
    },
    destroy(err, cb) {
      if (typeof sink.destroy === 'function') {
        try {
          sink.destroy(err ?? undefined);
        } catch (thrown) {
          cb(thrown);
          return;
        }
      }
      cb(err);
    },
  };
  if (typeof sink.final === 'function') {
    impl.final = function final(cb) {
      settle(() => sink.final(), cb);
    };
  }
  if (typeof sink.writev === 'function') {
    impl.writev = function writev(entries, cb) {
      const chunks = new Array(entries.length);
      for (let i = 0; i < entries.length; i++) chunks[i] = entries[i].chunk;
      settle(() => sink.writev(chunks), cb);
    };
  }
  return impl;
}
