// The live chart: buffered length over time on a <canvas>, redrawn once per animation frame
// (the page drives it), sized in CSS pixels and drawn at devicePixelRatio so lines stay sharp.
//
// Each sample is one frame: the smallest and largest buffered length seen during that frame
// (drawn as a band: a buffer that fills and empties many times a frame is visible as such) and the
// value at the end of the frame (the line). The previous run stays on the chart in grey, so two
// runs of a scenario can be compared at a glance.
import { fmtUnits } from './engine.js';

const PAD = { left: 64, right: 12, top: 14, bottom: 26 };

function cssVar(el, name, fallback) {
  const v = getComputedStyle(el).getPropertyValue(name).trim();
  return v || fallback;
}

export class Chart {
  /** @param {HTMLCanvasElement} canvas */
  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.samples = [];
    this.marks = [];
    this.ghost = null;
    this.hwm = 0;
    this.chunk = 0;
    this.objectMode = false;
    this.xMaxMs = 3000;
    this.peak = 0;
    this.logScale = false;
    this.colors = null;
    // The CSS size comes from the ResizeObserver, never from clientWidth in draw(): reading layout
    // right after the counters and the log changed the DOM would force a layout every frame.
    this.cssW = canvas.clientWidth;
    this.cssH = canvas.clientHeight;
    if (typeof ResizeObserver === 'function') {
      new ResizeObserver((entries) => {
        const entry = entries[entries.length - 1];
        this.cssW = entry.contentRect.width;
        this.cssH = entry.contentRect.height;
        // Exact device pixels where the browser reports them (no blur from rounding).
        const px = entry.devicePixelContentBoxSize?.[0];
        this.pxW = px ? px.inlineSize : 0;
        this.pxH = px ? px.blockSize : 0;
        this.pxDpr = window.devicePixelRatio || 1;
        this.draw();
      }).observe(canvas);
    }
    matchMedia('(prefers-color-scheme: dark)').addEventListener?.('change', () => {
      this.colors = null;
      this.draw();
    });
  }

  /** Start a new run; the current one (if it has data) becomes the grey "previous run". */
  begin({ hwm, chunk, objectMode, xMaxMs, label }) {
    if (this.samples.length > 1) {
      this.ghost = { samples: this.samples, peak: this.peak, label: this.label, objectMode: this.objectMode };
    }
    this.samples = [];
    this.marks = [];
    this.peak = 0;
    this.hwm = hwm;
    this.chunk = chunk;
    this.objectMode = objectMode;
    this.xMaxMs = xMaxMs;
    this.label = label;
    this.draw();
  }

  clear() {
    this.samples = [];
    this.marks = [];
    this.ghost = null;
    this.peak = 0;
    this.hwm = 0;
    this.draw();
  }

  /** Add one frame: t in ms since the run started; min/max/v buffered units. */
  push(t, frame) {
    this.samples.push({ t, min: frame.min, max: frame.max, v: frame.v });
    if (frame.max > this.peak) this.peak = frame.max;
    if (t > this.xMaxMs) this.xMaxMs = t;
  }

  setMarks(marks) {
    this.marks = marks;
  }

  #resize() {
    const dpr = window.devicePixelRatio || 1;
    // (Trusted only when it agrees with CSS size × devicePixelRatio: emulated ratios can disagree.)
    const exact =
      this.pxW > 0 && this.pxDpr === dpr && Math.abs(this.pxW - this.cssW * dpr) <= 1 && Math.abs(this.pxH - this.cssH * dpr) <= 1;
    const w = Math.max(1, exact ? this.pxW : Math.round(this.cssW * dpr));
    const h = Math.max(1, exact ? this.pxH : Math.round(this.cssH * dpr));
    if (this.canvas.width !== w || this.canvas.height !== h) {
      this.canvas.width = w;
      this.canvas.height = h;
    }
    const cssW = Math.max(1, this.cssW);
    const cssH = Math.max(1, this.cssH);
    this.ctx.setTransform(w / cssW, 0, 0, h / cssH, 0, 0);
    return { w: this.cssW, h: this.cssH };
  }

  #palette() {
    if (this.colors) return this.colors;
    const el = this.canvas;
    this.colors = {
      bg: cssVar(el, '--chart-bg', '#fff'),
      grid: cssVar(el, '--chart-grid', '#e3e6ea'),
      text: cssVar(el, '--chart-text', '#444'),
      line: cssVar(el, '--chart-line', '#1f5fbf'),
      band: cssVar(el, '--chart-band', 'rgba(31,95,191,.22)'),
      hwm: cssVar(el, '--chart-hwm', '#c2410c'),
      drain: cssVar(el, '--chart-drain', '#15803d'),
      ghost: cssVar(el, '--chart-ghost', '#9aa3ad'),
      stop: cssVar(el, '--chart-stop', '#666'),
    };
    return this.colors;
  }

  draw() {
    const { ctx } = this;
    const { w, h } = this.#resize();
    const c = this.#palette();
    ctx.fillStyle = c.bg;
    ctx.fillRect(0, 0, w, h);
    const plotW = Math.max(10, w - PAD.left - PAD.right);
    const plotH = Math.max(10, h - PAD.top - PAD.bottom);
    const om = this.objectMode;

    const top = Math.max(this.peak, this.hwm, this.ghost ? this.ghost.peak : 0, om ? 4 : 1024);
    const xMax = Math.max(this.xMaxMs, 500);
    const x = (t) => PAD.left + (Math.min(t, xMax) / xMax) * plotW;
    // Linear, or log(1 + v) so a buffer of megabytes and one of a few KiB fit the same chart.
    const log = this.logScale;
    const yMax = log ? top * 2 : top * 1.12;
    const f = log ? (v) => Math.log1p(Math.max(0, v)) : (v) => v;
    const fMax = f(yMax);
    const y = (v) => PAD.top + plotH - (f(Math.min(v, yMax)) / fMax) * plotH;
    const tickValue = (i) => (log ? Math.expm1((fMax / 4) * i) : (yMax / 4) * i);

    // Grid and axis labels.
    ctx.font = '11px system-ui, sans-serif';
    ctx.lineWidth = 1;
    ctx.strokeStyle = c.grid;
    ctx.fillStyle = c.text;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (let i = 0; i <= 4; i++) {
      const v = tickValue(i);
      const yy = Math.round(y(v)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(PAD.left, yy);
      ctx.lineTo(PAD.left + plotW, yy);
      ctx.stroke();
      ctx.fillText(fmtUnits(v, om), PAD.left - 6, yy);
    }
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    const stepS = xMax > 8000 ? 2 : xMax > 3000 ? 1 : 0.5;
    for (let s = 0; s * 1000 <= xMax; s += stepS) {
      const xx = Math.round(x(s * 1000)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(xx, PAD.top);
      ctx.lineTo(xx, PAD.top + plotH);
      ctx.stroke();
      ctx.fillText(`${s} s`, xx, PAD.top + plotH + 6);
    }

    // The previous run, in grey.
    if (this.ghost) {
      const gs = this.ghost.samples;
      this.#line(gs, x, y, c.ghost, 1.5, true, 'max');
      // Name it where it is highest (so a still image explains itself).
      let top = gs[0];
      for (const g of gs) if (g.max > top.max) top = g;
      if (this.ghost.label && top) {
        ctx.save();
        ctx.fillStyle = c.text;
        ctx.textBaseline = 'bottom';
        const xx = x(top.t);
        ctx.textAlign = xx > PAD.left + plotW * 0.6 ? 'right' : 'left';
        const yy = Math.max(PAD.top + 12, y(top.max) - 4);
        ctx.fillText(`previous run: ${this.ghost.label}`, xx + (ctx.textAlign === 'left' ? 4 : -4), yy);
        ctx.restore();
      }
    }

    // This run: the min..max band of every frame, then the end-of-frame line.
    const ss = this.samples;
    if (ss.length > 0) {
      ctx.fillStyle = c.band;
      ctx.beginPath();
      ctx.moveTo(x(ss[0].t), y(ss[0].max));
      for (let i = 1; i < ss.length; i++) ctx.lineTo(x(ss[i].t), y(ss[i].max));
      for (let i = ss.length - 1; i >= 0; i--) ctx.lineTo(x(ss[i].t), y(ss[i].min));
      ctx.closePath();
      ctx.fill();
      this.#line(ss, x, y, c.line, 2, false, 'v');
    }

    // highWaterMark (and highWaterMark + one chunk, the most a respectful producer reaches).
    if (this.hwm > 0) {
      ctx.save();
      ctx.strokeStyle = c.hwm;
      ctx.fillStyle = c.hwm;
      ctx.setLineDash([6, 4]);
      ctx.lineWidth = 1.5;
      const yy = Math.round(y(this.hwm)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(PAD.left, yy);
      ctx.lineTo(PAD.left + plotW, yy);
      ctx.stroke();
      ctx.textAlign = 'right';
      ctx.textBaseline = 'bottom';
      ctx.fillText(`highWaterMark ${fmtUnits(this.hwm, om)}`, PAD.left + plotW - 4, yy - 2);
      const plus = this.hwm + (om ? 1 : this.chunk);
      if (plus < yMax && y(this.hwm) - y(plus) > 6) {
        ctx.setLineDash([2, 4]);
        ctx.globalAlpha = 0.7;
        const y2 = Math.round(y(plus)) + 0.5;
        ctx.beginPath();
        ctx.moveTo(PAD.left, y2);
        ctx.lineTo(PAD.left + plotW, y2);
        ctx.stroke();
      }
      ctx.restore();
    }

    // drain / ready ticks along the bottom; the moment producers stop as a dashed line.
    ctx.save();
    const base = PAD.top + plotH;
    ctx.strokeStyle = c.drain;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    for (const m of this.marks) {
      if (m.kind !== 'drain' && m.kind !== 'ready') continue;
      const xx = x(m.t);
      ctx.moveTo(xx, base);
      ctx.lineTo(xx, base - 9);
    }
    ctx.stroke();
    ctx.strokeStyle = c.stop;
    ctx.fillStyle = c.stop;
    ctx.setLineDash([3, 3]);
    for (const m of this.marks) {
      if (m.kind !== 'stop') continue;
      const xx = Math.round(x(m.t)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(xx, PAD.top);
      ctx.lineTo(xx, base);
      ctx.stroke();
      ctx.textAlign = xx > PAD.left + plotW - 90 ? 'right' : 'left';
      ctx.textBaseline = 'top';
      ctx.fillText('producers stop', xx + (ctx.textAlign === 'left' ? 4 : -4), PAD.top + 2);
    }
    ctx.restore();

    // Current value.
    if (ss.length > 0) {
      const last = ss[ss.length - 1];
      ctx.fillStyle = c.line;
      ctx.beginPath();
      ctx.arc(x(last.t), y(last.v), 3.5, 0, Math.PI * 2);
      ctx.fill();
    }
  }

  #line(ss, x, y, color, width, faded, key) {
    const { ctx } = this;
    if (ss.length === 0) return;
    ctx.save();
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    ctx.lineJoin = 'round';
    if (faded) ctx.globalAlpha = 0.8;
    ctx.beginPath();
    ctx.moveTo(x(ss[0].t), y(ss[0][key]));
    for (let i = 1; i < ss.length; i++) ctx.lineTo(x(ss[i].t), y(ss[i][key]));
    ctx.stroke();
    ctx.restore();
  }
}
