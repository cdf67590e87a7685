// Type declarations for wasm-writable (hand-written; kept in step with README.md).

/** Node-style `BufferEncoding` names accepted for string chunks. */
export type WritableEncoding =
  | 'utf8'
  | 'utf-8'
  | 'utf16le'
  | 'utf-16le'
  | 'ucs2'
  | 'ucs-2'
  | 'latin1'
  | 'binary'
  | 'base64'
  | 'base64url'
  | 'hex'
  | 'ascii'
  | 'buffer';

/** An error raised by the stream or its sink: a real `Error` carrying Node's `code`. */
export interface WritableError extends Error {
  code: string;
}

/** What a sink call returns: `undefined` when done, or a promise that settles when done. */
export type SinkCompletion = void | Promise<void>;

/**
 * A sink implemented in Rust (the built-in sinks, and classes made with the crate's
 * `export_sink!`); it follows the sink object protocol. Results are read after `'finish'`. A Rust
 * sink given as the inner sink of a wrapper (`GzipSink`, …) is called directly in wasm, without a
 * copy through JavaScript; a JS object with a `write` method works there too.
 */
export interface RustSink {
  /** Consume one chunk: a string, or the bytes of a `Uint8Array`/`Buffer`/other view/`ArrayBuffer`. */
  write(chunk: Uint8Array | ArrayBufferView | ArrayBuffer | string): SinkCompletion;
  writeString(s: string): SinkCompletion;
  writev(chunks: Array<Uint8Array | ArrayBufferView | ArrayBuffer | string>): SinkCompletion;
  final(): SinkCompletion;
  destroy(error?: Error): void;
  /** Release the wasm memory held by this object (wasm-bindgen). */
  free(): void;
}

/** Options of `new MemorySink(options)`. */
export interface MemorySinkOptions {
  /**
   * Maximum bytes kept. A write that would pass it fails whole with `code: 'ERR_SINK_LIMIT'`.
   * Default: no limit.
   */
  limit?: number;
}

/** A Rust sink that keeps every byte written in wasm memory. Read the result after `'finish'`. */
export declare class MemorySink implements RustSink {
  constructor(options?: MemorySinkOptions);
  write(chunk: Uint8Array | ArrayBufferView | ArrayBuffer | string): SinkCompletion;
  writeString(s: string): SinkCompletion;
  writev(chunks: Array<Uint8Array | ArrayBufferView | ArrayBuffer | string>): SinkCompletion;
  final(): SinkCompletion;
  destroy(error?: Error): void;
  free(): void;
  /** A copy of the bytes collected. */
  bytes(): Uint8Array;
  /** The bytes collected, decoded as UTF-8 (invalid sequences become U+FFFD). */
  text(): string;
  /** Number of bytes collected. */
  readonly byteLength: number;
  /** The size limit in bytes, or `undefined` when unlimited. */
  readonly limit: number | undefined;
}

/** A Rust sink that counts bytes and chunks and discards them. */
export declare class CountingSink implements RustSink {
  constructor();
  write(chunk: Uint8Array | ArrayBufferView | ArrayBuffer | string): SinkCompletion;
  writeString(s: string): SinkCompletion;
  writev(chunks: Array<Uint8Array | ArrayBufferView | ArrayBuffer | string>): SinkCompletion;
  final(): SinkCompletion;
  destroy(error?: Error): void;
  free(): void;
  /** Total bytes written. */
  readonly byteCount: number;
  /** Total chunks written (each chunk of a batch counts as one). */
  readonly chunkCount: number;
}

/** Hash algorithms of `DigestSink` (Web Crypto's `'SHA-256'` spellings are accepted too). */
export type DigestAlgorithm = 'sha1' | 'sha256' | 'sha512' | 'SHA-1' | 'SHA-256' | 'SHA-512';

/**
 * A Rust sink that hashes everything written (SHA-1, SHA-256 or SHA-512) and keeps nothing else.
 * An unknown algorithm throws a `TypeError` with `code: 'ERR_INVALID_ARG_VALUE'`.
 */
export declare class DigestSink implements RustSink {
  /** Default algorithm: `'sha256'`. */
  constructor(algorithm?: DigestAlgorithm);
  write(chunk: Uint8Array | ArrayBufferView | ArrayBuffer | string): SinkCompletion;
  writeString(s: string): SinkCompletion;
  writev(chunks: Array<Uint8Array | ArrayBufferView | ArrayBuffer | string>): SinkCompletion;
  final(): SinkCompletion;
  destroy(error?: Error): void;
  free(): void;
  /** The digest of everything written so far (read it after `'finish'`); can be read repeatedly. */
  digest(): Uint8Array;
  /** `digest()` as lower-case hex. */
  hex(): string;
  /** The algorithm's Node name: `'sha1'`, `'sha256'` or `'sha512'`. */
  readonly algorithm: 'sha1' | 'sha256' | 'sha512';
  /** Bytes hashed so far. */
  readonly byteCount: number;
}

/** Options of `new GzipSink(inner, options)` / `new DeflateSink(inner, options)`. */
export interface CompressSinkOptions {
  /** 0 (stored) … 9 (smallest); -1 means the default, 6. Otherwise a `RangeError` `ERR_OUT_OF_RANGE`. */
  level?: number;
}

/**
 * A Rust sink that gzip-compresses (Node's `zlib.createGzip()` format) into `inner`: any sink
 * object (Rust sinks are called directly in wasm; a JS `{ write(chunk) {} }` gets `Uint8Array`s
 * and may return promises). Ending the stream finishes the gzip data, then calls `inner.final()`.
 */
export declare class GzipSink<Inner extends object = MemorySink> implements RustSink {
  /** `inner` defaults to a new `MemorySink` (read it as `sink.inner.bytes()`). */
  constructor(inner?: Inner | null, options?: CompressSinkOptions);
  write(chunk: Uint8Array | ArrayBufferView | ArrayBuffer | string): SinkCompletion;
  writeString(s: string): SinkCompletion;
  writev(chunks: Array<Uint8Array | ArrayBufferView | ArrayBuffer | string>): SinkCompletion;
  final(): SinkCompletion;
  destroy(error?: Error): void;
  free(): void;
  /** The sink the compressed bytes go to. */
  readonly inner: Inner;
  /** The compression level in use (0–9). */
  readonly level: number;
}

/** As `GzipSink`, in zlib format (Node's `zlib.createDeflate()` / `inflateSync` reads it). */
export declare class DeflateSink<Inner extends object = MemorySink> implements RustSink {
  constructor(inner?: Inner | null, options?: CompressSinkOptions);
  write(chunk: Uint8Array | ArrayBufferView | ArrayBuffer | string): SinkCompletion;
  writeString(s: string): SinkCompletion;
  writev(chunks: Array<Uint8Array | ArrayBufferView | ArrayBuffer | string>): SinkCompletion;
  final(): SinkCompletion;
  destroy(error?: Error): void;
  free(): void;
  readonly inner: Inner;
  readonly level: number;
}

/** Options of `new BatchSink(inner, options)`; with neither given: 16 chunks or 64 KiB. */
export interface BatchSinkOptions {
  /** A batch is written once it has this many chunks (integer ≥ 1, or Infinity). */
  chunks?: number;
  /** A batch is written once it holds at least this many bytes (≥ 1, or Infinity). */
  bytes?: number;
}

/**
 * A Rust sink that groups writes into batches for `inner`: `inner.writev(chunks)` when the inner
 * sink has `writev` (Rust sinks do; object-mode values need it), otherwise one `inner.write()` of
 * the batch's bytes concatenated. Writes complete at once while a batch fills; the write that
 * fills it completes when the inner sink has taken the batch. `final()` writes the partial batch
 * first, so nothing is lost; `destroy()` drops it.
 */
export declare class BatchSink<Inner extends object = SinkObject> implements RustSink {
  constructor(inner: Inner, options?: BatchSinkOptions);
  write(chunk: any): SinkCompletion;
  writeString(s: string): SinkCompletion;
  writev(chunks: any[]): SinkCompletion;
  final(): SinkCompletion;
  destroy(error?: Error): void;
  free(): void;
  readonly inner: Inner;
  /** Chunks held in the batch being filled. */
  readonly pendingChunks: number;
}

/**
 * A Rust sink that writes every chunk to each of `sinks` (Rust sinks, or any sink objects; JS
 * sinks get the chunk itself). A write completes when every sink's write has; a sink that throws
 * or rejects errors the whole stream with that error.
 */
export declare class FanOutSink implements RustSink {
  constructor(sinks: object[]);
  write(chunk: any): SinkCompletion;
  writeString(s: string): SinkCompletion;
  writev(chunks: any[]): SinkCompletion;
  final(): SinkCompletion;
  destroy(error?: Error): void;
  free(): void;
  /** The sinks, as given. */
  readonly sinks: object[];
}

/**
 * A Rust sink for object mode: `JSON.stringify(value) + '\n'` of each value into `inner` (one
 * `Uint8Array` per line). A value JSON cannot represent (BigInt, a cycle, `undefined`, a function,
 * a symbol) is a `TypeError` with `code: 'ERR_INVALID_ARG_VALUE'`.
 * Use as `new Writable({ objectMode: true, sink: new NdjsonSink(new MemorySink()) })`.
 */
export declare class NdjsonSink<Inner extends object = MemorySink> implements RustSink {
  constructor(inner: Inner);
  write(value: any): SinkCompletion;
  writeString(s: string): SinkCompletion;
  writev(values: any[]): SinkCompletion;
  final(): SinkCompletion;
  destroy(error?: Error): void;
  free(): void;
  readonly inner: Inner;
  /** Lines written so far. */
  readonly lineCount: number;
}

/** Options of `new ThrottleSink(inner, options)`. */
export interface ThrottleSinkOptions {
  /** The rate, in bytes per second (required, > 0). */
  bytesPerSecond: number;
  /** The bucket size in bytes: how much may go at once after a pause. Default: `bytesPerSecond`. */
  burst?: number;
}

/**
 * A Rust sink that paces `inner` with a token bucket: a chunk of n bytes takes n tokens (an
 * object-mode chunk takes 1); when they are not there it is handed to `inner` after the wait
 * (a `setTimeout`), and the write completes then — so the pacing reaches the producer as
 * backpressure (`write()` returning false, `writer.ready`), not as a growing buffer.
 */
export declare class ThrottleSink<Inner extends object = SinkObject> implements RustSink {
  constructor(inner: Inner, options: ThrottleSinkOptions);
  write(chunk: any): SinkCompletion;
  writeString(s: string): SinkCompletion;
  writev(chunks: any[]): SinkCompletion;
  final(): SinkCompletion;
  destroy(error?: Error): void;
  free(): void;
  readonly inner: Inner;
  readonly bytesPerSecond: number;
  readonly burst: number;
}

/** Options of `new WebSocketSink(socket, options)`. */
export interface WebSocketSinkOptions {
  /** A write completes once `socket.bufferedAmount` is at or below this. Default 1 MiB. */
  threshold?: number;
  /** How often `bufferedAmount` is polled while above the threshold, in ms. Default 10. */
  pollMs?: number;
}

/** What `WebSocketSink` needs of a socket: the browser's `WebSocket`, or e.g. the `ws` client. */
export interface WebSocketLike {
  send(data: any): void;
  readonly readyState: number;
  readonly bufferedAmount: number;
  addEventListener?(type: 'close' | 'error', listener: (event: any) => void): void;
  removeEventListener?(type: 'close' | 'error', listener: (event: any) => void): void;
}

/**
 * A Rust sink that sends each chunk as one WebSocket message (binary for bytes, text for a
 * string, e.g. with `decodeStrings: false`) and completes the write once `bufferedAmount` is at
 * or below `threshold`: real backpressure, which browsers do not give on their own. Writes wait
 * for a connecting socket to open. When the socket closes or fails, the pending write (or the
 * next one, or `final()`) fails with `code: 'ERR_SOCKET_CLOSED'`. `final()` waits until
 * `bufferedAmount` is 0; the socket is never closed by the sink (it is the caller's).
 */
export declare class WebSocketSink<Socket extends WebSocketLike = WebSocketLike> implements RustSink {
  constructor(socket: Socket, options?: WebSocketSinkOptions);
  write(chunk: Uint8Array | ArrayBufferView | ArrayBuffer | string): SinkCompletion;
  writeString(s: string): SinkCompletion;
  writev(chunks: Array<Uint8Array | ArrayBufferView | ArrayBuffer | string>): SinkCompletion;
  final(): SinkCompletion;
  destroy(error?: Error): void;
  free(): void;
  readonly socket: Socket;
  readonly threshold: number;
}

/** Callback of `write()` / `end()` / the implementation functions. */
export type WriteCallback = (error?: Error | null) => void;

/** One entry of a `writev` batch, as in Node. */
export interface WritevChunk {
  chunk: any;
  encoding: WritableEncoding;
}

/** Options of `new Writable(options)`: Node's `stream.Writable` options plus `sink`. */
export interface WritableOptions {
  /** Buffer level at which `write()` starts returning false. Default 16384 bytes, or 16 objects. */
  highWaterMark?: number;
  /** Accept any JS value as a chunk, counting objects instead of bytes. Default false. */
  objectMode?: boolean;
  /** Encode strings to bytes before they reach the sink. Default true. */
  decodeStrings?: boolean;
  /** Encoding assumed for string chunks written without one. Default 'utf8'. */
  defaultEncoding?: WritableEncoding;
  /** Emit `'close'` after the stream is destroyed or finished. Default true. */
  emitClose?: boolean;
  /** Call `destroy()` after `'finish'` or an error. Default true. */
  autoDestroy?: boolean;
  /** A sink object (`MemorySink`, `CountingSink`, … or any `SinkObject`). */
  sink?: SinkObject;
  /** Destroy the stream with an AbortError when this signal aborts. */
  signal?: AbortSignal;
  /** JS sink: consume one chunk (Node's `_write`); without the callback parameter it may return a promise. */
  write?(this: Writable, chunk: any, encoding: WritableEncoding, callback: WriteCallback): void | Promise<void>;
  /** JS sink: consume a batch after `uncork()` (Node's `_writev`). */
  writev?(this: Writable, chunks: WritevChunk[], callback: WriteCallback): void;
  /** JS sink: after the last write, before `'finish'` (Node's `_final`). */
  final?(this: Writable, callback: WriteCallback): void | Promise<void>;
  /** JS sink: release resources (Node's `_destroy`). */
  destroy?(this: Writable, error: Error | null, callback: WriteCallback): void;
  /** JS sink: asynchronous set-up before the first write (Node's `_construct`). */
  construct?(this: Writable, callback: WriteCallback): void | Promise<void>;
}

/** Listener-handling surface identical to Node's `EventEmitter` (works without Node). */
export declare class EventEmitter {
  constructor(options?: { captureRejections?: boolean });
  on(event: string | symbol, listener: (...args: any[]) => void): this;
  addListener(event: string | symbol, listener: (...args: any[]) => void): this;
  prependListener(event: string | symbol, listener: (...args: any[]) => void): this;
  once(event: string | symbol, listener: (...args: any[]) => void): this;
  prependOnceListener(event: string | symbol, listener: (...args: any[]) => void): this;
  off(event: string | symbol, listener: (...args: any[]) => void): this;
  removeListener(event: string | symbol, listener: (...args: any[]) => void): this;
  removeAllListeners(event?: string | symbol): this;
  emit(event: string | symbol, ...args: any[]): boolean;
  listeners(event: string | symbol): Function[];
  rawListeners(event: string | symbol): Function[];
  listenerCount(event: string | symbol, listener?: Function): number;
  eventNames(): Array<string | symbol>;
  setMaxListeners(n: number): this;
  getMaxListeners(): number;
}

/** Counters kept by the core (they never influence behaviour). */
export interface WritableStats {
  /** Chunks accepted by `write()`. */
  chunksAccepted: number;
  /** Bytes (or objects) accepted by `write()`. */
  unitsAccepted: number;
  /** Chunks the sink completed. */
  chunksWritten: number;
  /** Bytes (or objects) the sink completed. */
  unitsWritten: number;
  /** `write()` calls that returned false. */
  writesReturnedFalse: number;
  /** `'drain'` events emitted. */
  drains: number;
  /** Highest `writableLength` seen. */
  peakLength: number;
  /** Calls made to the sink (`write` + `writev`). */
  sinkCalls: number;
  /** Of which `writev` batches. */
  writevCalls: number;
}

/** A Node-style writable stream (`stream.Writable` API) driven by the Rust core. */
export declare class Writable extends EventEmitter {
  constructor(options?: WritableOptions);

  /** A native `WritableStream` over `writable`, with the core's backpressure numbers. */
  static toWeb(writable: Writable): WritableStream;
  /** A `Writable` over any `WritableStream`. */
  static fromWeb(
    stream: WritableStream,
    options?: Pick<WritableOptions, 'highWaterMark' | 'objectMode' | 'decodeStrings' | 'signal'>,
  ): Writable;

  /** Queue a chunk. Returns false when the buffer reached `highWaterMark` (wait for `'drain'`). */
  write(chunk: any, callback?: WriteCallback): boolean;
  write(chunk: any, encoding?: WritableEncoding, callback?: WriteCallback): boolean;
  /** Optionally write a last chunk, then finish the stream. */
  end(callback?: WriteCallback): this;
  end(chunk: any, callback?: WriteCallback): this;
  end(chunk: any, encoding?: WritableEncoding, callback?: WriteCallback): this;
  /** Buffer writes until the matching `uncork()`; calls nest. */
  cork(): void;
  /** Undo one `cork()`; the last one flushes the buffer (as one `writev` when available). */
  uncork(): void;
  /** Destroy the stream, optionally with an error. */
  destroy(error?: Error | null, callback?: (error?: Error | null) => void): this;
  /** Set the encoding assumed for string chunks. */
  setDefaultEncoding(encoding: WritableEncoding): this;
  /** A Writable cannot be piped from: errors with `ERR_STREAM_CANNOT_PIPE`. */
  pipe(): void;
  /** The core's counters: totals, peak length, sink calls, drains. */
  stats(): WritableStats;
  /** The sink object given as `options.sink`, if any. */
  readonly sink: SinkObject | undefined;

  /** Whether `write()` is safe to call (not ended, destroyed or errored). */
  readonly writable: boolean;
  /** `end()` was called. */
  readonly writableEnded: boolean;
  /** `'finish'` was emitted. */
  readonly writableFinished: boolean;
  /** The `highWaterMark` given at construction. */
  readonly writableHighWaterMark: number;
  /** Bytes (or objects) accepted and not yet completed by the sink (queued plus in flight). */
  readonly writableLength: number;
  /** Whether the stream is in object mode. */
  readonly writableObjectMode: boolean;
  /** Number of `uncork()` calls needed to uncork fully. */
  readonly writableCorked: number;
  /** A write returned false and `'drain'` has not been emitted yet. */
  readonly writableNeedDrain: boolean;
  /** The stream was destroyed or errored before finishing. */
  readonly writableAborted: boolean;
  /** The chunks queued behind the in-flight write (Node's deprecated `writableBuffer`). */
  readonly writableBuffer: Array<{ chunk: any; encoding: WritableEncoding }>;
  /** `destroy()` was called. */
  readonly destroyed: boolean;
  /** The sink's destroy completed (`'close'` follows). */
  readonly closed: boolean;
  /** The error the stream failed with, or null. */
  readonly errored: Error | null;

  on(event: 'drain' | 'finish' | 'close' | 'prefinish', listener: () => void): this;
  on(event: 'error', listener: (error: WritableError) => void): this;
  on(event: 'pipe' | 'unpipe', listener: (source: unknown) => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
}

/** The package's `WebAssembly.Memory` (watch `buffer.byteLength`: it grows, never shrinks). */
export declare function wasmMemory(): WebAssembly.Memory;

/** Node's `addAbortSignal`: destroy `stream` with an AbortError when `signal` aborts. */
export declare function addAbortSignal<T extends Writable>(signal: AbortSignal, stream: T): T;

/**
 * The sink object protocol: what the faces call on a sink given as `options.sink` (the Rust
 * sinks implement it; any JS object of this shape works too). Each method returns nothing when
 * done, a promise when it completes later, or throws.
 */
export interface SinkObject {
  write(chunk: any): void | Promise<void>;
  writeString?(s: string): void | Promise<void>;
  writev?(chunks: any[]): void | Promise<void>;
  final?(): void | Promise<void>;
  destroy?(error?: Error): void;
  /** WHATWG face only: called the moment the stream is aborted (its controller's signal). */
  abort?(reason: unknown): void;
}

/** Options of the WHATWG face. */
export interface WritableStreamOptions {
  /** Defaults as for `Writable`: 16384 bytes, or 16 chunks in object mode. */
  highWaterMark?: number;
  objectMode?: boolean;
}

/**
 * A native `WritableStream` whose queue and backpressure are the Rust core's, over a Rust sink or
 * a JS implementation (`{ write, writev, final, destroy }` as for `Writable`).
 */
export declare function createWritableStream<W = any>(
  sink: SinkObject | (WritableOptions & { abort?(reason: unknown): void }),
  options?: WritableStreamOptions,
): WritableStream<W>;
