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
 *
 * Growing an array one store at a time copies it again and again: filling 1,000 entries that
 * way cost V8 (Node 20) about 11 ns an entry more than filling an array made at its final
 * length. Buffers tend to fill the same way each time (to the highWaterMark, or in cork batches
 * of one size), so once an array reaches PRESIZE entries it is moved into one as long as the
 * larger of the last two arrays became (`hint`). Below PRESIZE it grows as it comes: a small
 * batch then never pays for slots it does not fill. An array is `n` entries long whatever its
 * length; it is cut to `n` when handed over.
 */
export class ChunkQueue {
  constructor() {
    this.items = [];
    this.n = 0; // entries stored in `items`
    this.head = 0;
    this.full = null;
    // push() stores in line below this many entries (PRESIZE while a presize is due).
    this.limit = SEGMENT;
    this.hint = 0; // the larger of the last two arrays' final entry counts
    this.last = 0; // the last array's final entry count
  }

  get length() {
    if (this.full === null) return this.n - this.head;
    return this.full.length * SEGMENT - this.head + this.n;
  }

  push(entry) {
    const n = this.n;
    if (n < this.limit) {
      this.items[n] = entry;
      this.n = n + 1;
    } else this.pushSlow(entry);
  }

  /** push() at PRESIZE entries (into an array of `hint`) or at SEGMENT (into a new array). */
  pushSlow(entry) {
    const n = this.n;
    if (n < SEGMENT) {
      const old = this.items;
      const items = new Array(this.hint);
      for (let i = this.head; i < n; i++) items[i] = old[i];
      items[n] = entry;
      this.items = items;
      this.n = n + 1;
      this.limit = SEGMENT;
      return;
    }
    if (this.full === null) this.full = [];
    this.full.push(this.items);
    this.items = [entry];
    this.n = 1;
  }

  shift() {
    if (this.full !== null) return this.shiftSegment();
    const items = this.items;
    if (this.head === this.n) return undefined;
    const entry = items[this.head];
    items[this.head++] = undefined;
    if (this.head === this.n) this.reset();
    else if (this.head >= 1024 && this.head * 2 >= this.n) this.compact();
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

  /**
   * The next `n` entries as an array of their own (the queue's own array when it is all of it).
   * The whole queue in one array of its length, a writev batch's usual case, takes the short
   * way: V8 inlines this into the batch's sink call, within a budget of bytecode that is better
   * left to the sink's own code (a `setImmediate` sink's Immediate then is built in line).
   */
  take(n) {
    const items = this.items;
    if (this.head === 0 && n >= this.n && items.length === this.n && this.full === null) {
      this.reset();
      return items;
    }
    return this.takeSlow(n);
  }

  /** take() of anything else. */
  takeSlow(n) {
    if (this.full !== null) this.join();
    const items = this.items;
    if (this.head === 0 && n >= this.n) {
      if (items.length !== this.n) items.length = this.n;
      this.reset();
      return items;
    }
    const out = items.slice(this.head, Math.min(this.n, this.head + n));
    this.drop(out.length);
    return out;
  }

  /** Remove up to `n` entries from the front. */
  drop(n) {
    if (this.full !== null) this.join();
    const items = this.items;
    const stop = Math.min(this.n, this.head + n);
    for (let i = this.head; i < stop; i++) items[i] = undefined;
    this.head = stop;
    if (this.head === this.n) this.reset();
    else if (this.head >= 1024 && this.head * 2 >= this.n) this.compact();
  }

  toArray() {
    if (this.full === null) return this.items.slice(this.head, this.n);
    return this.full[0].slice(this.head).concat(...this.full.slice(1), this.items.slice(0, this.n));
  }

  /** One array of every entry, from `head` 0. */
  join() {
    const all = this.toArray();
    this.full = null;
    this.items = all;
    this.n = all.length;
    this.head = 0;
    this.limit = SEGMENT;
  }

  /** A new, empty array; the one left behind has had its last entry. */
  reset() {
    const count = this.n;
    this.hint = Math.min(SEGMENT, Math.max(count, this.last));
    this.last = count;
    this.items = [];
    this.n = 0;
    this.head = 0;
    this.limit = this.hint > PRESIZE ? PRESIZE : SEGMENT;
  }

  compact() {
    this.items = this.items.slice(this.head, this.n);
    this.n -= this.head;
    this.head = 0;
  }
}

/** Entries an array of a ChunkQueue takes before it is moved into one of its expected length. */
const PRESIZE = 64;

/** The longest array of a ChunkQueue (see there). */
const SEGMENT = 8192;
