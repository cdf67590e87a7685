// A growable FIFO ring: O(1) push and shift without Array.prototype.shift's copying.
export class Ring {
  constructor(capacity = 16) {
    this.buf = new Array(capacity);
    this.mask = capacity - 1;
    this.head = 0;
    this.length = 0;
  }

  push(value) {
    if (this.length === this.buf.length) this.grow();
    this.buf[(this.head + this.length) & this.mask] = value;
    this.length++;
  }

  shift() {
    if (this.length === 0) return undefined;
    const value = this.buf[this.head];
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.length--;
    return value;
  }

  peek() {
    return this.length === 0 ? undefined : this.buf[this.head];
  }

  /** Remove up to `n` values from the front. */
  drop(n) {
    for (let i = 0; i < n && this.length > 0; i++) this.shift();
  }

  clear() {
    this.drop(this.length);
  }

  grow() {
    const old = this.buf;
    const next = new Array(old.length * 2);
    for (let i = 0; i < this.length; i++) next[i] = old[(this.head + i) & this.mask];
    this.buf = next;
    this.mask = next.length - 1;
    this.head = 0;
  }

  toArray() {
    const out = new Array(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.buf[(this.head + i) & this.mask];
    return out;
  }
}

/**
 * Write callbacks by number: the core numbers them from 0 in the order their writes were
 * accepted and may call them out of that order (as Node does), so this is a ring indexed by
 * number rather than a FIFO. `add` appends the next number; `take(n)` removes number n.
 */
export class CallbackTable {
  constructor(capacity = 16) {
    this.buf = new Array(capacity);
    this.mask = capacity - 1;
    this.base = 0; // lowest number that may still be held
    this.next = 0; // number the next add() gets
  }

  add(fn) {
    if (this.next - this.base === this.buf.length) this.grow();
    this.buf[this.next & this.mask] = fn;
    this.next++;
  }

  take(n) {
    if (n < this.base || n >= this.next) return undefined;
    const i = n & this.mask;
    const fn = this.buf[i];
    this.buf[i] = undefined;
    while (this.base < this.next && this.buf[this.base & this.mask] === undefined) this.base++;
    return fn;
  }

  grow() {
    const old = this.buf;
    const next = new Array(old.length * 2);
    const mask = next.length - 1;
    for (let n = this.base; n < this.next; n++) next[n & mask] = old[n & this.mask];
    this.buf = next;
    this.mask = mask;
  }
}

/**
 * The chunks the core holds in its buffer, in order: an array consumed from `head`, so a batch
 * that is the whole buffer (what `writev` receives) is handed over as it is, with no copy (as
 * Node does with its own buffer array). An array grows by an indexed store at its end, which V8
 * runs about 7 ns faster here than Array.prototype.push, the array being new after every
 * batch; but optimised code grows an array only in the regular heap, and a store that must
 * grow one further (some 16,000 entries and up) deoptimises the producer's loop, whose store
 * then stays generic (a 256 KiB highWaterMark of 16-byte writes ran 1055 instructions a write).
 * So an array stops at SEGMENT entries: the next go to a new one, and the full ones wait in
 * `full` (`head` is then the offset in the first of them), joined when a caller needs more than
 * the next entry.
 */
export class ChunkQueue {
  constructor() {
    this.items = [];
    this.head = 0;
    this.full = null;
  }

  get length() {
    if (this.full === null) return this.items.length - this.head;
    return this.full.length * SEGMENT - this.head + this.items.length;
  }

  push(entry) {
    const items = this.items;
    const n = items.length;
    if (n < SEGMENT) items[n] = entry;
    else this.pushSegment(entry);
  }

  /** `entry` starts a new array, the full one waits in `full`. */
  pushSegment(entry) {
    if (this.full === null) this.full = [];
    this.full.push(this.items);
    this.items = [entry];
  }

  shift() {
    if (this.full !== null) return this.shiftSegment();
    const items = this.items;
    if (this.head === items.length) return undefined;
    const entry = items[this.head];
    items[this.head++] = undefined;
    if (this.head === items.length) this.reset();
    else if (this.head >= 1024 && this.head * 2 >= items.length) this.compact();
    return entry;
  }

  /** shift() from the first full array. */
  shiftSegment() {
    const full = this.full;
    const first = full[0];
    const entry = first[this.head];
    first[this.head++] = undefined;
    if (this.head === first.length) {
      full.shift();
      this.head = 0;
      if (full.length === 0) this.full = null;
    }
    return entry;
  }

  /** The next `n` entries as an array of their own (the queue's own array when it is all of it). */
  take(n) {
    if (this.full !== null) this.join();
    const items = this.items;
    if (this.head === 0 && n >= items.length) {
      this.items = [];
      return items;
    }
    const out = items.slice(this.head, this.head + n);
    this.drop(out.length);
    return out;
  }

  /** Remove up to `n` entries from the front. */
  drop(n) {
    if (this.full !== null) this.join();
    const items = this.items;
    const stop = Math.min(items.length, this.head + n);
    for (let i = this.head; i < stop; i++) items[i] = undefined;
    this.head = stop;
    if (this.head === items.length) this.reset();
    else if (this.head >= 1024 && this.head * 2 >= items.length) this.compact();
  }

  toArray() {
    if (this.full === null) return this.items.slice(this.head);
    return this.full[0].slice(this.head).concat(...this.full.slice(1), this.items);
  }

  /** One array of every entry, from `head` 0. */
  join() {
    const all = this.toArray();
    this.full = null;
    this.items = all;
    this.head = 0;
  }

  reset() {
    this.items = [];
    this.head = 0;
  }

  compact() {
    this.items = this.items.slice(this.head);
    this.head = 0;
  }
}

/** The longest array of a ChunkQueue (see there). */
const SEGMENT = 8192;
