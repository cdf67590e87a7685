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
