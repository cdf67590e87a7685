// A small assertion library for scenarios that run both in Node and in a browser page (no node:
// imports). Every failure throws an Error whose message says what was expected and what was seen.

function show(value) {
  if (value instanceof Error) return `${value.name}(${JSON.stringify(value.message)})`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}[${Array.from(value).join(',')}]`;
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    try {
      return JSON.stringify(value);
    } catch {
      return String(value);
    }
  }
  return String(value);
}

export class AssertionError extends Error {
  constructor(message) {
    super(message);
    this.name = 'AssertionError';
  }
}

function fail(message, detail) {
  throw new AssertionError(detail ? `${message}: ${detail}` : message);
}

export function ok(value, message = 'expected a truthy value') {
  if (!value) fail(message, `got ${show(value)}`);
}

export function equal(actual, expected, message = 'values differ') {
  if (!Object.is(actual, expected)) fail(message, `expected ${show(expected)}, got ${show(actual)}`);
}

/** Identity: the very same object (for "the same stored error"). */
export function same(actual, expected, message = 'not the same object') {
  if (actual !== expected) fail(message, `expected the very object ${show(expected)}, got ${show(actual)}`);
}

function deepEq(a, b) {
  if (Object.is(a, b)) return true;
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    if (a.byteLength !== b.byteLength) return false;
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    return true;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => deepEq(v, b[i]));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && Object.getPrototypeOf(a) === Object.getPrototypeOf(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => deepEq(a[k], b[k]));
  }
  return false;
}

export function deepEqual(actual, expected, message = 'values differ') {
  if (!deepEq(actual, expected)) fail(message, `expected ${show(expected)}, got ${show(actual)}`);
}

/** Byte-for-byte equality of two byte sequences, reporting the first difference. */
export function bytesEqual(actual, expected, message = 'bytes differ') {
  const x = actual instanceof Uint8Array ? actual : new Uint8Array(actual);
  const y = expected instanceof Uint8Array ? expected : new Uint8Array(expected);
  if (x.length !== y.length) fail(message, `expected ${y.length} bytes, got ${x.length}`);
  for (let i = 0; i < x.length; i++) {
    if (x[i] !== y[i]) fail(message, `first difference at byte ${i}: expected ${y[i]}, got ${x[i]}`);
  }
}

/**
 * Awaits `promise` and requires it to reject; `check(err)` may assert on the reason. Returns the
 * reason.
 */
export async function rejects(promise, check, message = 'expected a rejection') {
  let settled = false;
  let reason;
  try {
    const value = await promise;
    settled = true;
    reason = value;
  } catch (err) {
    if (check) check(err);
    return err;
  }
  if (settled) fail(message, `it resolved with ${show(reason)}`);
  return undefined;
}

export { show };
