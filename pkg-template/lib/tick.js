// The host's "next tick": process.nextTick in Node (what stream.Writable uses), else a microtask.
const proc = globalThis.process;
export const nextTick =
  proc && typeof proc.nextTick === 'function'
    ? (fn, arg) => proc.nextTick(fn, arg)
    : (fn, arg) => queueMicrotask(() => fn(arg));
