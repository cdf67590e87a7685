// The backpressure demo (www/) in headless Chromium: serves www/ at / and pkg/ at /pkg/ (as
// `make demo` does) on an ephemeral 127.0.0.1 port, loads the page, drives every scenario through
// its button, and checks that the numbers the page shows (read from the DOM: the run history's
// data-* attributes and the counters) behave as the scenario's text says. Saves a screenshot of
// each scenario, and one at phone width, under build/screenshots/. Fails on any console
// error/warning, page error, failed request or HTTP error.
//
// Run: node --test tests/e2e/demo.test.mjs   (after `make pkg`; `make test LAYERS=e2e`)
// Env: CHROMIUM_PATH overrides /usr/bin/chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../../scripts/chromium.mjs';
import { startStaticServer } from '../../scripts/serve.mjs';
import { watchProblems } from './browser-page.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const shots = path.join(root, 'build', 'screenshots');

let browser;
let server;
let page;
const problems = [];

async function open(viewport, deviceScaleFactor = 1) {
  const p = await browser.newPage({ viewport, deviceScaleFactor });
  watchProblems(p, { problems });
  // The chart's CSS content width (its box minus the border), for the devicePixelRatio checks.
  await p.addInitScript(() => {
    window.contentWidth = (el) => {
      const cs = getComputedStyle(el);
      return el.getBoundingClientRect().width - parseFloat(cs.borderLeftWidth) - parseFloat(cs.borderRightWidth);
    };
  });
  await p.goto(server.url, { waitUntil: 'load' });
  await p.waitForSelector('body[data-status="ready"]', { timeout: 20_000 });
  return p;
}

before(async () => {
  assert.ok(fs.existsSync(path.join(root, 'pkg', 'browser.js')), 'pkg/ is not built: run `make pkg` first');
  fs.mkdirSync(shots, { recursive: true });
  server = await startStaticServer({
    mounts: [
      ['/pkg/', path.join(root, 'pkg')],
      ['/', path.join(root, 'www')],
    ],
  });
  browser = await launchChromium();
  page = await open({ width: 1280, height: 900 });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

function noProblems() {
  assert.deepEqual(problems.splice(0), [], 'console errors/warnings, page errors or failed requests');
}

/** The run history rows of a scenario, as numbers where they are numbers. */
async function rows(id) {
  const raw = await page.$$eval(`#history tbody tr[data-scenario="${id}"]`, (trs) => trs.map((tr) => ({ ...tr.dataset })));
  return raw.map((r) => {
    const out = {};
    for (const [k, v] of Object.entries(r)) {
      out[k] = v === 'true' ? true : v === 'false' ? false : v !== '' && Number.isFinite(Number(v)) ? Number(v) : v;
    }
    return out;
  });
}

/** Click a scenario's button, wait until all its runs are over, screenshot, return its rows. */
async function runScenario(id, runs) {
  const before = await page.$$eval('#history tbody tr', (trs) => trs.length);
  await page.click(`#scenario-list button[data-scenario="${id}"]`);
  await page.waitForSelector(`body[data-scenario="${id}"][data-scenario-state="done"]`, { timeout: 30_000 });
  await page.waitForTimeout(50); // one more frame, and late console errors
  const rs = await rows(id);
  assert.equal(rs.length, runs, `${id}: expected ${runs} run(s) in the history`);
  assert.equal(await page.$$eval('#history tbody tr', (trs) => trs.length), before + runs);
  // The live counters end on the last run's numbers.
  const last = rs[rs.length - 1];
  assert.equal(Number(await page.getAttribute('#c-peak', 'data-value')), last.peak, 'peak counter = last run');
  assert.equal(Number(await page.getAttribute('#c-sink-calls', 'data-value')), last.sinkCalls, 'sink calls counter = last run');
  await page.screenshot({ path: path.join(shots, `demo-${id}.png`), fullPage: true });
  noProblems();
  return rs;
}

const byLabel = (rs, word) => {
  const r = rs.find((x) => x.label.includes(word));
  assert.ok(r, `no run labelled ${word}: ${rs.map((x) => x.label).join(', ')}`);
  return r;
};

test('the page loads the package with no console errors and shows its controls', async () => {
  const ids = await page.$$eval('#scenario-list button', (bs) => bs.map((b) => b.dataset.scenario));
  assert.deepEqual(ids, ['slow-sink', 'hwm', 'cork', 'object-mode', 'producers', 'web-ready', 'pipe-to']);
  // Every form control has a label (accessible name).
  const unlabeled = await page.$$eval('#controls input', (inputs) =>
    inputs.filter((i) => !(i.labels && i.labels.length > 0)).map((i) => i.name || i.id),
  );
  assert.deepEqual(unlabeled, []);
  // Wasm memory is read through the glue.
  const wasm = Number(await page.getAttribute('#c-wasm', 'data-value'));
  assert.ok(wasm >= 65536 && wasm % 65536 === 0, `wasm memory is a whole number of 64 KiB pages: ${wasm}`);
  // The canvas backing store follows devicePixelRatio.
  const c = await page.$eval('#chart', (el) => ({ w: el.width, cw: contentWidth(el), dpr: devicePixelRatio }));
  assert.ok(Math.abs(c.w - c.cw * c.dpr) <= 1, `canvas ${c.w} px for ${c.cw} CSS px at dpr ${c.dpr}`);
  noProblems();
});

test('fast source, slow sink: ignoring grows past 10× highWaterMark, respecting stays ≤ hwm + one chunk', async () => {
  const rs = await runScenario('slow-sink', 2);
  const ignore = byLabel(rs, 'ignoring');
  const respect = byLabel(rs, 'respecting');
  assert.ok(ignore.peak > 10 * ignore.hwm, `ignoring: peak ${ignore.peak} should pass 10 × ${ignore.hwm}`);
  assert.ok(ignore.returnedFalse > 0);
  assert.equal(ignore.finished, false, 'the ignoring run ends with data still buffered (discarded)');
  assert.ok(respect.peak <= respect.hwm + respect.chunk, `respecting: peak ${respect.peak} ≤ ${respect.hwm} + ${respect.chunk}`);
  assert.ok(respect.peak >= respect.hwm, 'the producer was fast enough to reach highWaterMark');
  assert.ok(respect.drains > 0 && respect.returnedFalse > 0);
  assert.equal(respect.finished, true);
  assert.equal(respect.written, respect.produced, 'respecting: everything produced reached the sink');
});

test('highWaterMark too low vs too high: low starves the sink, high holds megabytes', async () => {
  const rs = await runScenario('hwm', 3);
  const low = byLabel(rs, 'too low');
  const right = byLabel(rs, 'about right');
  const high = byLabel(rs, 'too high');
  assert.ok(low.throughput * 3 < right.throughput, `too low ${low.throughput} B/s vs about right ${right.throughput} B/s`);
  assert.ok(low.drains > right.drains, 'a drain per chunk when highWaterMark is one chunk');
  assert.equal(low.writevCalls, 0, 'never more than one chunk to batch');
  assert.ok(right.peak <= right.hwm + right.chunk);
  assert.equal(high.returnedFalse, 0, 'backpressure never started');
  assert.ok(high.peak > 4 * right.hwm, `too high: peak ${high.peak} should be far above 64 KiB`);
});

test('cork + writev: fewer sink calls for the same chunks', async () => {
  const rs = await runScenario('cork', 2);
  const plain = byLabel(rs, 'no cork');
  const corked = byLabel(rs, 'cork batches');
  assert.equal(plain.sinkCalls, plain.writtenChunks, 'without cork: one sink call per chunk');
  assert.equal(plain.writevCalls, 0);
  assert.ok(corked.writevCalls > 0);
  assert.ok(corked.sinkCalls * 4 < plain.sinkCalls, `cork: ${corked.sinkCalls} sink calls vs ${plain.sinkCalls}`);
  const perChunk = (r) => r.sinkCalls / r.writtenChunks;
  assert.ok(perChunk(corked) < perChunk(plain) / 4, 'fewer calls per chunk, not just fewer chunks');
});

test('objectMode counts objects: 16 buffered whatever their size', async () => {
  const rs = await runScenario('object-mode', 2);
  for (const r of rs) {
    assert.equal(r.unit, 'objects');
    assert.equal(r.hwm, 16);
    assert.ok(r.peak >= 16 && r.peak <= 17, `${r.label}: peak ${r.peak} objects`);
    assert.equal(r.written, r.writtenChunks, 'written counts objects');
  }
  assert.match(await page.textContent('#c-peak'), /objects/);
});

test('many producers: one drain wakes them all and the peak passes hwm + one chunk', async () => {
  const [r] = await runScenario('producers', 1);
  assert.equal(r.producers, 8);
  assert.ok(r.peak > r.hwm + r.chunk, `peak ${r.peak} > ${r.hwm} + ${r.chunk}`);
  assert.ok(r.peak <= r.hwm + r.producers * r.chunk, `peak ${r.peak} ≤ hwm + 8 chunks`);
  assert.ok(r.drains > 0);
  const log = await page.textContent('#log');
  assert.match(log, /8 producers wake up at once/);
});

test('WHATWG face: awaiting writer.ready keeps the queue ≤ hwm + one chunk', async () => {
  const [r] = await runScenario('web-ready', 1);
  assert.equal(r.face, 'web');
  assert.ok(r.peak <= r.hwm + r.chunk && r.peak >= r.hwm, `peak ${r.peak}`);
  assert.ok(r.drains > 0, 'ready events');
  assert.equal(r.finished, true);
  assert.match(await page.textContent('#drains-label'), /ready/);
});

test('pipeTo from a generated ReadableStream: bounded without producer code', async () => {
  const [r] = await runScenario('pipe-to', 1);
  assert.equal(r.face, 'pipe');
  assert.ok(r.peak <= r.hwm + r.chunk, `peak ${r.peak}`);
  assert.equal(r.finished, true);
  assert.equal(r.written, r.produced);
});

test('keyboard: the controls are reachable in order and Enter runs them', async () => {
  await page.click('#reset');
  await page.waitForSelector('#history-empty:not([hidden])');
  // From the top: skip link, then the scenario buttons, then the first control.
  await page.click('h1'); // sets the sequential focus navigation starting point to the top
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.scenario), 'slow-sink');
  await page.keyboard.press('Shift+Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'skip', 'a skip link comes first');
  await page.keyboard.press('Tab');
  for (let i = 0; i < 7; i++) await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.name), 'face');
  // Type settings and submit with Enter: a short custom run.
  await page.fill('#hwm', '4096');
  await page.fill('#duration', '0.5');
  await page.focus('#duration');
  await page.keyboard.press('Enter');
  await page.waitForSelector('body[data-scenario="custom"][data-scenario-state="done"]', { timeout: 10_000 });
  const [r] = await rows('custom');
  assert.equal(r.hwm, 4096);
  assert.ok(r.peak <= 4096 + r.chunk);
  // Stop and Reset are buttons in the tab order after Run.
  await page.focus('#run');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'stop');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'reset');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#history-empty:not([hidden])');
  assert.equal(await page.getAttribute('#c-peak', 'data-value'), '0');
  assert.equal(await page.inputValue('#hwm'), '16384');
  noProblems();
});

test('Stop ends a run at once and the page says so', async () => {
  await page.click('#scenario-list button[data-scenario="slow-sink"]');
  await page.waitForSelector('body[data-run-state="running"]');
  await page.waitForTimeout(300);
  await page.click('#stop');
  await page.waitForSelector('body[data-scenario-state="stopped"]', { timeout: 5_000 });
  const rs = await rows('slow-sink');
  assert.equal(rs.length, 1, 'the second run never started');
  assert.equal(rs[0].finished, false);
  assert.match(await page.textContent('#status'), /Stopped/);
  noProblems();
});

test('phone width: one column, no horizontal scrolling, sharp chart', async () => {
  const phone = await open({ width: 390, height: 844 }, 2);
  try {
    await phone.click('#scenario-list button[data-scenario="web-ready"]');
    await phone.waitForSelector('body[data-scenario="web-ready"][data-scenario-state="done"]', { timeout: 20_000 });
    const m = await phone.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      inner: innerWidth,
      canvas: document.getElementById('chart').width,
      css: contentWidth(document.getElementById('chart')),
      columns: getComputedStyle(document.querySelector('.workspace')).gridTemplateColumns.split(' ').length,
    }));
    assert.ok(m.scroll <= m.inner, `page scrolls sideways: ${m.scroll} > ${m.inner}`);
    assert.equal(m.columns, 1);
    assert.ok(Math.abs(m.canvas - m.css * 2) <= 1, `canvas ${m.canvas} px for ${m.css} CSS px at devicePixelRatio 2`);
    await phone.screenshot({ path: path.join(shots, 'demo-phone.png'), fullPage: true });
    noProblems();
  } finally {
    await phone.close();
  }
});
