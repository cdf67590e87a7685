// The WHATWG face: native `WritableStream`s whose backpressure numbers are the Rust core's.
//
// A WritableStream's underlying sink cannot set `desiredSize`: the stream computes it as
// highWaterMark − (queued + in flight), from the strategy's `size()`. So the strategy carries the
// core's highWaterMark and size unit (bytes, or 1 per chunk in objectMode), `size()` tells the core
// about each chunk the moment the stream accepts it (`reserve`), and the sink's `write()` settles
// when the core's sink has completed the chunk — never earlier (that would remove backpressure)
// and with no second buffer. Then, after pending promises settle,
//   writer.desiredSize === highWaterMark − writable.writableLength
// and `writer.ready` is pending exactly while that is ≤ 0.

import { Writable, faceState, kCompletionHook, kReserve, kUnreserve, kWriteReserved, kWriteReservedQuiet, writeSinkObject } from './writable.js';
import { errors } from './errors.js';

/** UTF-8 length of a string without encoding it. */
function utf8Length(str) {
  let n = 0;
  for (let i = 0; i < str.length; i++) {
    const c = str.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < str.length && (str.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/**
 * Size of a byte-mode chunk in bytes; NaN for a value that is not bytes (the spec then rejects).
 * Never negative or infinite, so `n >= 0` tells a size from NaN.
 */
function byteSize(chunk) {
  // A Uint8Array's length is its size in bytes, and V8 (Node 20) reads `length` in line where
  // `byteLength` is a call (~20 ns).
  if (chunk instanceof Uint8Array) return chunk.length;
  if (ArrayBuffer.isView(chunk)) return chunk.byteLength;
  if (typeof chunk === 'string') return utf8Length(chunk);
  if (chunk instanceof ArrayBuffer) return chunk.byteLength;
  return NaN;
}

/** A chunk as the Node-style face takes it (an ArrayBuffer becomes a byte view). */
function normalise(chunk) {
  return chunk instanceof ArrayBuffer ? new Uint8Array(chunk) : chunk;
}

function asError(reason) {
  if (reason instanceof Error) return reason;
  return errors.abort(reason);
}

/**
 * Call `onClose` when `close()` is requested on `stream`, through the stream itself or through
 * a writer it hands out (the Streams Standard gives the underlying sink no such signal: its
 * close() only comes once the queue has drained). pipeTo closes through its own internal
 * writer, but never writes after that, so it needs no watching.
 */
function watchCloseRequests(stream, onClose) {
  const closeStream = stream.close;
  stream.close = function close() {
    if (!this.locked) onClose(); // a locked stream refuses close()
    return closeStream.call(this);
  };
  const getWriter = stream.getWriter;
  stream.getWriter = function getWriterWatched() {
    const writer = getWriter.call(this);
    const closeWriter = writer.close;
    writer.close = function close() {
      let attached = true;
      try {
        void this.desiredSize; // throws once the writer has released its lock
      } catch {
        attached = false;
      }
      if (attached) onClose();
      return closeWriter.call(this);
    };
    return writer;
  };
}

/**
 * `Writable.toWeb(writable)`: a native `WritableStream` over one of our Node-style streams, with
 * no second buffer. While it is the writable's only producer, `desiredSize` equals
 * `writable.writableHighWaterMark - writable.writableLength`.
 */
export function toWeb(writable, { exclusive = false, onAbort = null, sink = null } = {}) {
  if (!(writable instanceof Writable)) {
    throw errors.invalidArgType('streamWritable', 'an instance of Writable (from wasm-writable)', writable);
  }
  const objectMode = writable.writableObjectMode;
  const sizeOf = objectMode ? () => 1 : byteSize;
  // Units reported to the core by size() less units that have reached write(): at close or
  // abort, what is left belongs to writes the stream refused after calling size() (e.g. a write
  // after close()), and is given back to the core. One difference rather than two totals: it
  // stays a small integer however many bytes go through (totals past 2^30 became heap numbers,
  // one allocated at every write).
  let unarrived = 0;
  let controller = null;
  let ours = false; // the stream is being closed or aborted through this face
  // close() has been requested (through a writer or the stream): the Streams Standard still
  // calls size() for a later write() before refusing it, and that chunk must not be counted.
  let closeRequested = false;
  // Whether size() reserves each chunk's units in the core as the web stream accepts it, so that
  // the writable's length counts the web stream's queue: when others can read it (toWeb). Over
  // a sink object (createWritableStream) the writable is this stream's alone, and nobody can:
  // its sink sees chunks, never the writable. The web stream's own desiredSize is then already
  // the one the core's would be (the strategy carries the core's highWaterMark and size unit),
  // and a chunk is counted in the core when it arrives (size() costs as little as the plain
  // ByteLengthQueuingStrategy's, ~90 instructions a write less in Node 20).
  const reserving = sink === null;
  const face = faceState(writable);

  const giveBack = () => {
    if (unarrived > 0) writable[kUnreserve](unarrived);
    unarrived = 0;
  };

  // A Uint8Array (the usual chunk) or any chunk in objectMode, while open: counted at once.
  const sizeReserving = (chunk) => {
    if (!closeRequested && (objectMode || chunk instanceof Uint8Array)) {
      const n = objectMode ? 1 : chunk.length;
      unarrived += n;
      writable[kReserve](n);
      return n;
    }
    return sizeOther(chunk);
  };
  const sizeBytes = (chunk) => (chunk instanceof Uint8Array ? chunk.length : sizeOther(chunk));
  const strategy = {
    // Never 0 for a writable: with desiredSize 0 and nothing queued, pipeTo would never write.
    highWaterMark: Math.max(1, writable.writableHighWaterMark),
    size: reserving ? sizeReserving : objectMode ? () => 1 : sizeBytes,
  };
  // size() of anything else: another view, a string or an ArrayBuffer, a value that is not
  // bytes, or any chunk once close() has been requested.
  const sizeOther = (chunk) => {
    const n = sizeOf(chunk);
    if (closeRequested) return n;
    if (n >= 0) {
      if (reserving) {
        unarrived += n;
        writable[kReserve](n);
      }
    } else if (!objectMode) {
      // The stream will reject this write with a RangeError and error itself without telling
      // its sink; destroy ours too, so the sink's resources are released.
      const err = new RangeError(`not a byte chunk: ${typeof chunk}`);
      queueMicrotask(() => {
        ours = true;
        writable.destroy(err);
      });
    }
    return n;
  };

  const onError = (err) => {
    if (!ours && controller) controller.error(err);
  };
  const onClose = () => {
    if (!ours && controller && !writable.writableFinished) {
      controller.error(writable.errored ?? errors.abort());
    }
  };

  const stream = new WritableStream(
    {
      start(c) {
        controller = c;
        // Honour controller.signal: it fires the moment abort() is called, before an in-flight
        // write has settled (the sink's destroy only comes after it), so a sink that can cancel
        // its work (an `abort(reason)` method) hears about it at once.
        if (onAbort !== null && c.signal) {
          c.signal.addEventListener('abort', () => onAbort(c.signal.reason), { once: true });
        }
        writable.on('error', onError);
        writable.once('close', onClose);
        if (writable.destroyed) throw writable.errored ?? errors.abort();
      },
      write(chunk) {
        // A chunk for the sink object as it is (a Uint8Array, or any chunk in objectMode) takes
        // the short way: the web stream's own code calls this for every chunk, and V8 inlines
        // only so much of a chain of calls into it.
        if (sink !== null && (objectMode ? chunk !== null : chunk instanceof Uint8Array)) {
          const done = writeSinkObject(face, chunk, sink, objectMode ? 1 : chunk.length);
          return done === true ? undefined : completion(done);
        }
        return writeOther(chunk);
      },
      close() {
        ours = true;
        giveBack();
        return new Promise((resolve, reject) => {
          writable.end((err) => (err ? reject(err) : resolve()));
        });
      },
      abort(reason) {
        ours = true;
        giveBack();
        return new Promise((resolve) => {
          if (writable.closed) {
            resolve();
            return;
          }
          writable.once('close', () => resolve());
          writable.destroy(asError(reason));
        });
      },
    },
    strategy,
  );
  // write() of any other chunk, or to a stream not made over a sink object.
  function writeOther(chunk) {
    // A byte view goes as it is.
    let value = chunk;
    let n;
    if (!objectMode && ArrayBuffer.isView(chunk)) {
      n = byteSize(chunk);
    } else {
      value = normalise(chunk);
      n = sizeOf(value);
    }
    // The chunk's units arrive with it: reserved by size(), or reserved now.
    if (reserving) unarrived -= n;
    else writable[kReserve](n);
    if (exclusive) {
      // Nobody else writes to this Writable or sees its callbacks: a chunk the sink completes
      // inside its call settles at once (no callback, no tick, no promise), any other when the
      // sink completes it.
      const done = writable[kWriteReservedQuiet](value, sink);
      return done === true ? undefined : completion(done);
    }
    return new Promise((resolve, reject) => {
      writable[kWriteReserved](value, (err) => (err ? reject(err) : resolve()));
    });
  }

  // The promise of an exclusive write the sink did not complete inside its call (`done`:
  // false, or REJECTED).
  function completion(done) {
    if (done !== false || writable.errored) {
      return Promise.reject(writable.errored ?? errors.abort());
    }
    return new Promise((resolve, reject) => {
      writable[kCompletionHook] = (err) => (err ? reject(err) : resolve());
    });
  }

  // Over a sink object (createWritableStream), the writable is this stream's alone: its sink sees
  // chunks, never the writable, so nobody can read its length. A write refused after close()
  // then stays counted in the core only until close() gives it back, and the stream keeps its
  // own close() and getWriter(): wrapping them (own properties on the stream and on each writer)
  // slows the web stream's every keyed load of its state, ~80 instructions a write in Node 20.
  if (sink === null) {
    watchCloseRequests(stream, () => {
      closeRequested = true;
    });
  }
  return stream;
}

/**
 * `createWritableStream(sink, options)`: a native `WritableStream` driven by the core, writing
 * into a Rust sink (`MemorySink`, …) or a JS implementation (`{ write, writev, final, destroy }`
 * as for `new Writable()`). Options: `highWaterMark`, `objectMode`. A sink (or implementation)
 * with an `abort(reason)` method has it called as soon as the stream is aborted (the
 * controller's `signal`), while a write may still be in flight; `destroy` follows as usual.
 */
export function createWritableStream(sink, options = {}) {
  const base = { highWaterMark: options.highWaterMark, objectMode: options.objectMode };
  const isSinkObject = sink !== null && typeof sink === 'object' && typeof sink.write === 'function' && sink.write.length < 3;
  const writable = new Writable(isSinkObject ? { ...base, sink } : { ...sink, ...base });
  const onAbort = sink !== null && typeof sink === 'object' && typeof sink.abort === 'function' ? (reason) => sink.abort(reason) : null;
  // A sink object (and nothing else) implements the stream: byte chunks go to it as they are.
  return toWeb(writable, { exclusive: true, onAbort, sink: isSinkObject ? sink : null });
}

/**
 * `Writable.fromWeb(writableStream, options)`: a Node-style Writable over any WritableStream.
 * Each chunk is handed to the web stream once the previous one has settled, so the web stream's
 * queue holds at most one chunk and our buffer is the only one that grows.
 */
export function fromWeb(stream, options = {}) {
  if (stream === null || typeof stream !== 'object' || typeof stream.getWriter !== 'function') {
    throw errors.invalidArgType('writableStream', 'an instance of WritableStream', stream);
  }
  const writer = stream.getWriter();
  let settled = false;
  const writable = new Writable({
    highWaterMark: options.highWaterMark,
    objectMode: options.objectMode,
    decodeStrings: options.decodeStrings,
    signal: options.signal,
    // Byte mode has already turned strings into bytes (decodeStrings); what arrives here as a
    // string (objectMode, or decodeStrings: false) goes to the web stream as it is.
    write(chunk, encoding, cb) {
      writer.write(chunk).then(() => cb(), (err) => cb(err ?? errors.abort()));
    },
    final(cb) {
      writer.close().then(
        () => {
          settled = true;
          cb();
        },
        (err) => cb(err ?? errors.abort()),
      );
    },
    destroy(err, cb) {
      if (settled) {
        cb(err);
        return;
      }
      settled = true;
      writer.abort(err ?? undefined).then(
        () => cb(err),
        () => cb(err),
      );
    },
  });
  writer.closed.then(
    () => {},
    (err) => {
      if (!settled) {
        settled = true;
        writable.destroy(err ?? errors.abort());
      }
    },
  );
  return writable;
}
