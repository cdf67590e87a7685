// Errors made by the JS face for input it validates itself, shaped like Node's: a real Error (or
// TypeError/RangeError) with Node's message and an enumerable `code`. Errors the core detects
// are made on the Rust side (src/bindings/errors.rs) the same way.

/** An error of class `Base` with Node's `code`. */
export function nodeError(Base, code, message) {
  const err = new Base(message);
  err.code = code;
  return err;
}

function describe(value) {
  if (value == null) return ` Received ${value}`;
  if (typeof value === 'function') return ` Received function ${value.name}`;
  if (typeof value === 'object') {
    const name = value.constructor?.name;
    return name ? ` Received an instance of ${name}` : ' Received [Object: null prototype]';
  }
  let shown = typeof value === 'string' ? `'${value}'` : typeof value === 'bigint' ? `${value}n` : String(value);
  if (shown.length > 28) shown = `${shown.slice(0, 25)}...`;
  return ` Received type ${typeof value} (${shown})`;
}

function show(value) {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'bigint') return `${value}n`;
  if (value !== null && typeof value === 'object') return value.constructor?.name ?? 'Object';
  return String(value);
}

/** Node's AbortError: `name` 'AbortError', `code` 'ABORT_ERR'. */
export class AbortError extends Error {
  constructor(message = 'The operation was aborted', options = undefined) {
    super(message, options);
    this.code = 'ABORT_ERR';
    this.name = 'AbortError';
  }
}

export const errors = {
  nullValues: () => nodeError(TypeError, 'ERR_STREAM_NULL_VALUES', 'May not write null values to stream'),
  invalidChunk: (chunk) =>
    nodeError(
      TypeError,
      'ERR_INVALID_ARG_TYPE',
      'The "chunk" argument must be of type string or an instance of Buffer, TypedArray, or DataView.' +
        describe(chunk),
    ),
  invalidArgType: (name, expected, value) =>
    nodeError(TypeError, 'ERR_INVALID_ARG_TYPE', `The "${name}" argument must be ${expected}.${describe(value)}`),
  unknownEncoding: (enc) => nodeError(TypeError, 'ERR_UNKNOWN_ENCODING', `Unknown encoding: ${enc}`),
  invalidOption: (name, value) =>
    nodeError(TypeError, 'ERR_INVALID_ARG_VALUE', `The property '${name}' is invalid. Received ${show(value)}`),
  notImplemented: (method) =>
    nodeError(Error, 'ERR_METHOD_NOT_IMPLEMENTED', `The ${method} method is not implemented`),
  cannotPipe: () => nodeError(Error, 'ERR_STREAM_CANNOT_PIPE', 'Cannot pipe, not readable'),
  multipleCallback: () => nodeError(Error, 'ERR_MULTIPLE_CALLBACK', 'Callback called multiple times'),
  abort: (reason) => new AbortError(undefined, reason === undefined ? undefined : { cause: reason }),
};
