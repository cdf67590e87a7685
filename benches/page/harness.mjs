// Timing harness shared by benches/web.mjs and benches/sinks.mjs and by the benchmark page in
// Chromium (benches/page/index.html): plain ES, no Node or DOM APIs beyond `performance.now()`.
//
// As in benches/run.mjs: every implementation of a row is first calibrated (which also warms its
// code up) so one run takes about `targetMs`, then the repetitions are interleaved (a, b, c, a, b,
// c, …) so drift in the machine's speed hits all alike, and each rate is the median of `reps`.
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
 * Units per second of every implementation of one row.
 * @param {Record<string, (n: number) => Promise<number>>} runs  name → run of n units, in ms
 * @param {{ reps: number, targetMs: number, start?: number }} options
 * @returns {Promise<Record<string, number>>} name → median rate (units per second)
 */
export async function measureRow(runs, { reps, targetMs, start = 1 }) {
  const names = Object.keys(runs);
  const sizes = {};
  for (const name of names) sizes[name] = await calibrate(runs[name], { targetMs, start });
  const samples = Object.fromEntries(names.map((name) => [name, []]));
  for (let r = 0; r < reps; r++) {
    for (const name of names) {
      const ms = await runs[name](sizes[name]);
      samples[name].push((sizes[name] / Math.max(ms, 0.001)) * 1000);
    }
  }
  return Object.fromEntries(names.map((name) => [name, median(samples[name])]));
}

/** Milliseconds taken by `await body()`. */
export async function timed(body) {
  const t0 = performance.now();
  await body();
  return performance.now() - t0;
}

export const settings = (quick) => (quick ? { reps: 3, targetMs: 15 } : { reps: 11, targetMs: 50 });
