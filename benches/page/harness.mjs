// Timing harness shared by benches/web.mjs and benches/sinks.mjs and by the benchmark page in
// Chromium (benches/page/index.html): plain ES, no Node or DOM APIs beyond `performance.now()`.
//
// As in benches/run.mjs: every implementation of a row is first calibrated (which also warms its
// code up) so one run takes about `targetMs`, then, after untimed rounds, the repetitions are
// interleaved (a, b, c, then b, c, a, …) so drift in the machine's speed hits all alike; each
// rate is the median of `reps`, and a ratio the median of the repetitions' own ratios.
// Numbers only: nothing here judges a speed.

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/**
 * Number of units (writes, passes, …) for one run of `run(n)` (→ milliseconds) to take about
 * `targetMs`: grows n fourfold from `start` until a run takes a quarter of the target, then
 * scales. Never below `start`.
 */
export async function calibrate(run, { targetMs, start = 1, max = 1 << 24 }) {
  let n = start;
  for (;;) {
    const ms = await run(n);
    if (ms >= targetMs / 4 || n >= max) {
      return Math.max(start, Math.round((n * targetMs) / Math.max(ms, 0.001)));
    }
    n *= 4;
  }
}

/**
 * Units per second of every implementation of one row, and each repetition's own rates.
 * After calibration, `warm` untimed rounds (a row's first full-size runs may still be tiering
 * up); then the repetitions, the order turning by one each time, so no implementation always
 * runs right after the same other one (whose garbage it would collect).
 * @param {Record<string, (n: number) => Promise<number>>} runs  name → run of n units, in ms
 * @param {{ reps: number, targetMs: number, start?: number, warm?: number }} options
 * @returns {Promise<{ rates: Record<string, number>, samples: Record<string, number[]> }>}
 *   rates: name → median rate (units per second); samples: name → the rate of each repetition
 */
export async function measureRow(runs, { reps, targetMs, start = 1, warm = 2 }) {
  const names = Object.keys(runs);
  const sizes = {};
  for (const name of names) sizes[name] = await calibrate(runs[name], { targetMs, start });
  const samples = Object.fromEntries(names.map((name) => [name, []]));
  for (let r = -warm; r < reps; r++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(r + warm + k) % names.length];
      const ms = await runs[name](sizes[name]);
      if (r >= 0) samples[name].push((sizes[name] / Math.max(ms, 0.001)) * 1000);
    }
  }
  const rates = Object.fromEntries(names.map((name) => [name, median(samples[name])]));
  return { rates, samples };
}

/**
 * The ratio of implementation `a` to `b` from measureRow's samples: the median of each
 * repetition's own ratio (the two timed moments apart), which a slow spell of a shared machine
 * moves less than a ratio of medians. Null when either is missing.
 */
export function pairedRatio(samples, a, b) {
  const xs = samples[a];
  const ys = samples[b];
  if (!xs || !ys || xs.length === 0 || xs.length !== ys.length) return null;
  return median(xs.map((x, r) => x / ys[r]));
}

/** Milliseconds taken by `await body()`. */
export async function timed(body) {
  const t0 = performance.now();
  await body();
  return performance.now() - t0;
}

export const settings = (quick) => (quick ? { reps: 3, targetMs: 15 } : { reps: 21, targetMs: 50 });
