// The host's "next tick": process.nextTick in Node (what stream.Writable uses), else a microtask.
// One argument only: process.nextTick allocates an array for any arguments after the callback.
const proc = globalThis.process;
export const nextTick =
  proc && typeof proc.nextTick === 'function' ? (fn) => proc.nextTick(fn) : (fn) => queueMicrotask(fn);
