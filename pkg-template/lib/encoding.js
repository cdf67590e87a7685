// String encodings and chunk normalisation for byte mode, as Node's Buffer does them. In Node the
// real Buffer is used (chunks handed to sinks are Buffers, as with stream.Writable); elsewhere
// chunks are Uint8Arrays and strings are encoded here.

const NodeBuffer = typeof globalThis.Buffer === 'function' ? globalThis.Buffer : null;

const CANONICAL = new Map([
  ['utf8', 'utf8'], ['utf-8', 'utf8'],
  ['hex', 'hex'],
  ['base64', 'base64'], ['base64url', 'base64url'],
  ['ascii', 'ascii'],
  ['latin1', 'latin1'], ['binary', 'latin1'],
  ['ucs2', 'utf16le'], ['ucs-2', 'utf16le'], ['utf16le', 'utf16le'], ['utf-16le', 'utf16le'],
]);

/** Node's canonical name for an encoding, or undefined when Node does not know it. */
export function normalizeEncoding(enc) {
  if (typeof enc !== 'string') return undefined;
  return CANONICAL.get(enc) ?? CANONICAL.get(enc.toLowerCase());
}

/** `Buffer.isEncoding`. */
export function isEncoding(enc) {
  return normalizeEncoding(enc) !== undefined;
}

const utf8Encoder = typeof TextEncoder === 'function' ? new TextEncoder() : null;

const B64 = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) {
  B64['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(i)] = i;
}
B64['-'.charCodeAt(0)] = 62;
B64['_'.charCodeAt(0)] = 63;

function decodeBase64(str) {
  // Lenient like Node: characters outside the alphabet are skipped, decoding stops at '='.
  const out = new Uint8Array(Math.floor((str.length * 3) / 4) + 3);
  let n = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < str.length; i++) {
    const c = str.charCodeAt(i);
    if (c === 61) break;
    const v = c < 128 ? B64[c] : -1;
    if (v < 0) continue;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >> bits) & 0xff;
    }
  }
  return out.subarray(0, n);
}

function decodeHex(str) {
  // Like Node: stops at the first pair that is not two hex digits.
  const out = new Uint8Array(str.length >>> 1);
  let n = 0;
  for (; n < out.length; n++) {
    const byte = parseInt(str.substr(n * 2, 2), 16);
    if (!/^[0-9a-fA-F]{2}$/.test(str.substr(n * 2, 2)) || Number.isNaN(byte)) break;
    out[n] = byte;
  }
  return out.subarray(0, n);
}

/** The bytes of `str` in `encoding` (canonical or not), as Buffer.from(str, encoding). */
export function encodeString(str, encoding) {
  if (NodeBuffer) return NodeBuffer.from(str, encoding);
  switch (normalizeEncoding(encoding) ?? 'utf8') {
    case 'utf8':
      return utf8Encoder.encode(str);
    case 'latin1':
    case 'ascii': {
      const out = new Uint8Array(str.length);
      for (let i = 0; i < str.length; i++) out[i] = str.charCodeAt(i) & 0xff;
      return out;
    }
    case 'utf16le': {
      const out = new Uint8Array(str.length * 2);
      for (let i = 0; i < str.length; i++) {
        const c = str.charCodeAt(i);
        out[i * 2] = c & 0xff;
        out[i * 2 + 1] = c >>> 8;
      }
      return out;
    }
    case 'hex':
      return decodeHex(str);
    default:
      return decodeBase64(str);
  }
}

/** A byte view of any ArrayBufferView (a Buffer in Node), without copying. */
export function toBytes(view) {
  if (NodeBuffer) {
    return NodeBuffer.isBuffer(view) ? view : NodeBuffer.from(view.buffer, view.byteOffset, view.byteLength);
  }
  return view instanceof Uint8Array && view.constructor === Uint8Array
    ? view
    : new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

export const hasNodeBuffer = NodeBuffer !== null;

/**
 * Whether a chunk is already what sinks receive in byte mode (a Buffer in Node, a plain
 * Uint8Array elsewhere), so it needs no normalising.
 */
export const isSinkBytes = NodeBuffer
  ? (chunk) => chunk instanceof NodeBuffer
  : (chunk) => chunk instanceof Uint8Array && chunk.constructor === Uint8Array;
