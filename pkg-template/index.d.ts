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
  /** A Rust-backed sink (`MemorySink`, `CountingSink`, …). Exclusive with `write`/`writev`. */
  sink?: RustSink;
  /** JS sink: consume one chunk (Node's `_write`). */
  write?(this: Writable, chunk: any, encoding: WritableEncoding, callback: WriteCallback): void;
  /** JS sink: consume a batch after `uncork()` (Node's `_writev`). */
  writev?(this: Writable, chunks: WritevChunk[], callback: WriteCallback): void;
  /** JS sink: after the last write, before `'finish'` (Node's `_final`). */
  final?(this: Writable, callback: WriteCallback): void | Promise<void>;
  /** JS sink: release resources (Node's `_destroy`). */
  destroy?(this: Writable, error: Error | null, callback: WriteCallback): void;
  /** JS sink: asynchronous set-up before the first write (Node's `_construct`). */
  construct?(this: Writable, callback: WriteCallback): void;
}

/** A Node-style writable stream (`stream.Writable` API) driven by the Rust core. */
export declare class Writable {
  constructor(options?: WritableOptions);

  /** Queue a chunk. Returns false when the buffer reached `highWaterMark` (wait for `'drain'`). */
  write(chunk: any, callback?: WriteCallback): boolean;
  write(chunk: any, encoding?: WritableEncoding, callback?: WriteCallback): boolean;
  /** Optionally write a last chunk, then finish the stream. */
  end(callback?: () => void): this;
  end(chunk: any, callback?: () => void): this;
  end(chunk: any, encoding?: WritableEncoding, callback?: () => void): this;
  /** Buffer writes until the matching `uncork()`; calls nest. */
  cork(): void;
  /** Undo one `cork()`; the last one flushes the buffer (as one `writev` when available). */
  uncork(): void;
  /** Destroy the stream, optionally with an error. */
  destroy(error?: Error): this;
  /** Set the encoding assumed for string chunks. */
  setDefaultEncoding(encoding: WritableEncoding): this;

  /** Whether `write()` is safe to call (not ended, destroyed or errored). */
  readonly writable: boolean;
  /** `end()` was called. */
  readonly writableEnded: boolean;
  /** `'finish'` was emitted. */
  readonly writableFinished: boolean;
  /** The `highWaterMark` given at construction. */
  readonly writableHighWaterMark: number;
  /** Bytes (or objects) queued and not yet handed to the sink. */
  readonly writableLength: number;
  /** Whether the stream is in object mode. */
  readonly writableObjectMode: boolean;
  /** Number of `uncork()` calls needed to uncork fully. */
  readonly writableCorked: number;
  /** A write returned false and `'drain'` has not been emitted yet. */
  readonly writableNeedDrain: boolean;
  /** The stream was destroyed or errored before finishing. */
  readonly writableAborted: boolean;
  /** `destroy()` was called. */
  readonly destroyed: boolean;
  /** `'close'` was emitted. */
  readonly closed: boolean;
  /** The error the stream failed with, or null. */
  readonly errored: Error | null;

  on(event: 'drain' | 'finish' | 'close' | 'prefinish', listener: () => void): this;
  on(event: 'error', listener: (error: WritableError) => void): this;
  on(event: 'pipe' | 'unpipe', listener: (source: unknown) => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
  once(event: string | symbol, listener: (...args: any[]) => void): this;
  off(event: string | symbol, listener: (...args: any[]) => void): this;
  emit(event: string | symbol, ...args: any[]): boolean;
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
  sink: RustSink | WritableOptions,
  options?: WritableStreamOptions,
): WritableStream<W>;
