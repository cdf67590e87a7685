// The backpressure demo page: wires the controls, scenarios, chart, counters, run history and
// event log to bounded runs (engine.js) of the package loaded from /pkg/browser.js.
//
// State for tests and assistive tech is in the DOM: body[data-status] is "ready" once the package
// has loaded; body[data-run-state] is idle / running / done; body[data-scenario] and
// body[data-scenario-state] (running / done / stopped) follow the scenario buttons; every counter
// and every history cell carries its raw number in data-* attributes.
import * as pkg from '/pkg/browser.js';
import { Run, LIMITS, fmtUnits, fmtBytes, describe } from './engine.js';
import { Chart } from './chart.js';
import { DEFAULTS, MODE_DEFAULTS, SCENARIOS } from './scenarios.js';

const $ = (id) => document.getElementById(id);
const form = $('controls');
const chart = new Chart($('chart'));
const LOG_KEEP = 120;
const THROUGHPUT_WINDOW_MS = 500;

const state = {
  run: null,
  token: 0, // bumped to cancel a running scenario sequence
  raf: 0,
  log: [],
  logDirty: false,
  thr: [], // [t, writtenUnits] samples for the live throughput
  runCount: 0,
  memory: null, // the wasm WebAssembly.Memory, when reachable
};

// ---------------------------------------------------------------------------------------------
// Wasm memory: the package has no public export for it; the wasm-bindgen glue's default export
// (init) returns the instance's exports once initialised, and browser.js has initialised it.

async function findWasmMemory() {
  if (typeof pkg.wasmMemory === 'function') return pkg.wasmMemory(); // if the package adds one
  if (pkg.memory instanceof WebAssembly.Memory) return pkg.memory;
  try {
    const glue = await import('/pkg/wasm/wasm_writable.js');
    const exports = await glue.default();
    return exports && exports.memory instanceof WebAssembly.Memory ? exports.memory : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Controls <-> config

function readConfig() {
  const f = form.elements;
  const objectMode = f.mode.value === 'objects';
  const num = (el, fallback) => {
    const v = Number(el.value);
    if (!Number.isFinite(v)) return fallback;
    return Math.min(Math.max(v, Number(el.min)), Number(el.max));
  };
  const sink = num(f.sinkSpeed, 0);
  return {
    face: f.face.value,
    objectMode,
    highWaterMark: Math.round(num(f.highWaterMark, objectMode ? 16 : 16384)),
    chunkSize: Math.round(num(f.chunkSize, 1024)),
    rate: num(f.rate, 1000),
    producers: Math.round(num(f.producers, 1)),
    respect: f.respect.checked,
    corkBatch: Math.round(num(f.corkBatch, 1)),
    sinkSpeed: objectMode ? sink : sink * 1024,
    sinkLatencyMs: num(f.sinkLatencyMs, 0),
    durationMs: num(f.durationSec, 2) * 1000,
  };
}

function applyConfig(c) {
  const f = form.elements;
  f.face.value = c.face;
  f.mode.value = c.objectMode ? 'objects' : 'bytes';
  f.highWaterMark.value = c.highWaterMark;
  f.chunkSize.value = c.chunkSize;
  f.rate.value = c.rate;
  f.producers.value = c.producers;
  f.respect.checked = c.respect;
  f.corkBatch.value = c.corkBatch;
  f.sinkSpeed.value = c.objectMode ? c.sinkSpeed : +(c.sinkSpeed / 1024).toFixed(3);
  f.sinkLatencyMs.value = c.sinkLatencyMs;
  f.durationSec.value = c.durationMs / 1000;
  syncControls();
}

/** Labels and enabled states that depend on the face and the mode. */
function syncControls() {
  const f = form.elements;
  const objectMode = f.mode.value === 'objects';
  const face = f.face.value;
  document.querySelector('[data-unit="hwm"]').textContent = objectMode ? '(objects)' : '(bytes)';
  document.querySelector('[data-unit="chunk"]').textContent = objectMode ? 'Object payload (bytes)' : 'Chunk size (bytes)';
  document.querySelector('[data-unit="sink"]').textContent = objectMode ? '(objects/s, 0 = instant)' : '(KiB/s, 0 = instant)';
  const web = face !== 'node';
  f.corkBatch.disabled = web;
  $('cork-note').hidden = !web;
  f.producers.disabled = face === 'pipe';
  $('producers-note').hidden = face !== 'pipe';
  f.respect.disabled = face === 'pipe';
  $('drains-label').innerHTML = face === 'web' ? '<code>ready</code> events' : '<code>\'drain\'</code> events';
}

form.addEventListener('change', (e) => {
  if (e.target.name === 'mode') {
    const d = MODE_DEFAULTS[e.target.value];
    const f = form.elements;
    f.highWaterMark.value = d.highWaterMark;
    f.chunkSize.value = d.chunkSize;
    f.sinkSpeed.value = e.target.value === 'objects' ? d.sinkSpeed : d.sinkSpeed / 1024;
  }
  syncControls();
});

// ---------------------------------------------------------------------------------------------
// Scenarios

/** Text with `code` spans, as DOM nodes (no innerHTML of data). */
function richText(el, text) {
  text.split('`').forEach((part, i) => {
    if (i % 2 === 1) {
      const code = document.createElement('code');
      code.textContent = part;
      el.append(code);
    } else if (part) {
      el.append(part);
    }
  });
  return el;
}

function renderScenarioButtons() {
  const list = $('scenario-list');
  for (const sc of SCENARIOS) {
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.type = 'button';
    b.dataset.scenario = sc.id;
    b.textContent = sc.title;
    const small = document.createElement('small');
    small.textContent = sc.runs.length > 1 ? sc.runs.map((r) => r.label).join(' vs ') : sc.runs[0].label;
    b.append(small);
    b.addEventListener('click', () => runScenario(sc));
    li.append(b);
    list.append(li);
  }
}

function showExplanation(sc) {
  $('explain-h').textContent = sc ? sc.title : 'Your settings';
  const box = $('explain-text');
  box.replaceChildren();
  if (!sc) {
    box.append(richText(document.createElement('p'), 'One run with the controls as set. The grey line is the previous run.'));
    return;
  }
  for (const t of sc.text) box.append(richText(document.createElement('p'), t));
  if (sc.runs.length > 1) {
    const ol = document.createElement('ol');
    for (const r of sc.runs) {
      const li = document.createElement('li');
      li.textContent = r.label;
      ol.append(li);
    }
    box.append(ol);
  }
  for (const b of document.querySelectorAll('#scenario-list button')) {
    if (b.dataset.scenario === sc.id) b.setAttribute('aria-current', 'true');
    else b.removeAttribute('aria-current');
  }
}

async function runScenario(sc) {
  const token = await cancel();
  showExplanation(sc);
  document.body.dataset.scenario = sc.id;
  document.body.dataset.scenarioState = 'running';
  for (let i = 0; i < sc.runs.length; i++) {
    const r = sc.runs[i];
    applyConfig(r.cfg);
    const n = sc.runs.length > 1 ? ` (run ${i + 1} of ${sc.runs.length})` : '';
    setStatus(`Running “${sc.title}”${n}: ${r.label}…`);
    const summary = await execute(r.cfg, { scenario: sc.id, label: r.label, title: sc.title, multi: sc.runs.length > 1 });
    if (token !== state.token) return;
    announceRun(summary, sc.runs.length > 1 ? `${sc.title}, ${r.label}` : sc.title);
  }
  document.body.dataset.scenarioState = 'done';
  setStatus(`Done. ${state.lastAnnouncement ?? ''}`);
}

async function runCustom() {
  const token = await cancel();
  const cfg = readConfig();
  showExplanation(null);
  for (const b of document.querySelectorAll('#scenario-list button')) b.removeAttribute('aria-current');
  document.body.dataset.scenario = 'custom';
  document.body.dataset.scenarioState = 'running';
  setStatus('Running your settings…');
  const summary = await execute(cfg, { scenario: 'custom', label: 'your settings', title: 'Your settings' });
  if (token !== state.token) return;
  announceRun(summary, 'Your settings');
  document.body.dataset.scenarioState = 'done';
  setStatus(`Done. ${state.lastAnnouncement}`);
}

/** Stop whatever runs and invalidate a running scenario sequence; returns the new token. */
async function cancel() {
  const token = ++state.token;
  const run = state.run;
  if (run && !run.finished) {
    await run.stop();
    if (document.body.dataset.scenarioState === 'running') document.body.dataset.scenarioState = 'stopped';
  }
  return token;
}

// ---------------------------------------------------------------------------------------------
// One run

async function execute(cfg, meta) {
  const run = new Run(cfg, { event: (kind, text, t) => logEvent(kind, text, t) });
  state.run = run;
  state.thr = [];
  state.runCount++;
  chart.begin({
    hwm: cfg.highWaterMark,
    chunk: cfg.objectMode ? 1 : cfg.chunkSize,
    objectMode: cfg.objectMode,
    xMaxMs: Math.min(cfg.durationMs, LIMITS.maxDurationMs) + LIMITS.graceMs,
    label: meta.label,
  });
  logEvent('run', `— ${meta.title}${meta.label && meta.title !== 'Your settings' ? `: ${meta.label}` : ''} —`, 0);
  document.body.dataset.runState = 'running';
  const done = run.start();
  startFrames();
  const summary = await done;
  frame(); // the last frame of this run
  document.body.dataset.runState = 'done';
  addHistory(summary, meta);
  $('chart').setAttribute(
    'aria-label',
    `Chart of buffered length over time for “${meta.label}”: peaked at ${fmtUnits(summary.peak, summary.objectMode)} against a highWaterMark of ${fmtUnits(summary.highWaterMark, summary.objectMode)}.`,
  );
  return summary;
}

function startFrames() {
  if (!state.raf) state.raf = requestAnimationFrame(frame);
}

function frame() {
  state.raf = 0;
  const run = state.run;
  if (run && run.t0 && !run.chartClosed) {
    chart.push(run.now(), run.takeFrame());
    chart.setMarks(run.marks);
    updateCounters(run);
    if (run.finished) run.chartClosed = true;
  }
  updateMemory();
  flushLog();
  chart.draw();
  if (run && !run.finished) state.raf = requestAnimationFrame(frame);
}

// ---------------------------------------------------------------------------------------------
// Counters

function setCounter(id, value, text) {
  const el = $(id);
  const v = String(value);
  if (el.dataset.value !== v) el.dataset.value = v;
  if (el.textContent !== text) el.textContent = text;
}

function setSmall(id, text) {
  const el = $(id);
  if (el.textContent !== text) el.textContent = text;
}

function updateCounters(run) {
  const s = run.snapshot();
  const om = run.cfg.objectMode;
  const hwm = run.cfg.highWaterMark;
  setCounter('c-written', s.writtenUnits, fmtUnits(s.writtenUnits, om));
  setSmall('c-written-chunks', om ? '' : `${s.writtenChunks.toLocaleString('en')} chunks`);
  setCounter('c-buffered', s.buffered, fmtUnits(s.buffered, om));
  setCounter('c-peak', s.peak, fmtUnits(s.peak, om));
  setSmall('c-peak-ratio', hwm > 0 ? `${(s.peak / hwm).toFixed(s.peak / hwm >= 10 ? 0 : 2)}× hwm` : '');
  $('c-peak').closest('div').classList.toggle('over', s.peak > hwm * 10);
  setCounter('c-false', s.returnedFalse, s.returnedFalse.toLocaleString('en'));
  setCounter('c-drains', s.drains, s.drains.toLocaleString('en'));
  setCounter('c-sink-calls', s.sinkCalls, s.sinkCalls.toLocaleString('en'));
  setSmall('c-writev', s.writevCalls ? `${s.writevCalls.toLocaleString('en')} writev` : '');

  // Live throughput over the last half second (the whole run's average once it is over).
  let thr;
  if (run.finished && run.summary) {
    thr = run.summary.throughput;
  } else {
    const t = s.elapsedMs;
    state.thr.push([t, s.writtenUnits]);
    while (state.thr.length > 2 && t - state.thr[0][0] > THROUGHPUT_WINDOW_MS) state.thr.shift();
    const [t0, u0] = state.thr[0];
    thr = t - t0 > 50 ? ((s.writtenUnits - u0) * 1000) / (t - t0) : 0;
  }
  setCounter('c-throughput', Math.round(thr), om ? `${Math.round(thr).toLocaleString('en')} obj/s` : `${fmtBytes(thr)}/s`);
  const waitS = thr > 0 ? s.buffered / thr : 0;
  setCounter('c-wait', waitS.toFixed(3), s.buffered === 0 ? '0 s' : thr > 0 ? fmtSeconds(waitS) : '–');
}

function fmtSeconds(s) {
  return s < 1 ? `${Math.round(s * 1000)} ms` : `${s.toFixed(1)} s`;
}

function updateMemory() {
  if (state.memory) {
    const n = state.memory.buffer.byteLength;
    setCounter('c-wasm', n, fmtBytes(n));
  }
  const heap = performance.memory?.usedJSHeapSize;
  if (typeof heap === 'number') setCounter('c-heap', heap, fmtBytes(heap));
}

function resetCounters() {
  for (const id of ['c-written', 'c-buffered', 'c-peak', 'c-false', 'c-drains', 'c-sink-calls']) setCounter(id, 0, '0');
  setCounter('c-throughput', 0, '0');
  setCounter('c-wait', 0, '–');
  for (const id of ['c-written-chunks', 'c-peak-ratio', 'c-writev']) setSmall(id, '');
  $('c-peak').closest('div').classList.remove('over');
}

// ---------------------------------------------------------------------------------------------
// Run history

const FACE_SHORT = { node: 'Writable', web: 'WritableStream', pipe: 'pipeTo' };

function addHistory(s, meta) {
  const tbody = $('history').tBodies[0];
  const tr = document.createElement('tr');
  const om = s.objectMode;
  Object.assign(tr.dataset, {
    scenario: meta.scenario,
    label: meta.label,
    face: s.face,
    unit: s.unit,
    hwm: s.highWaterMark,
    chunk: s.objectMode ? 1 : s.chunkSize,
    producers: s.producers,
    respect: s.respect,
    cork: s.corkBatch,
    peak: s.peak,
    returnedFalse: s.returnedFalse,
    drains: s.drains,
    sinkCalls: s.sinkCalls,
    writevCalls: s.writevCalls,
    written: s.writtenUnits,
    writtenChunks: s.writtenChunks,
    produced: s.producedUnits,
    throughput: Math.round(s.throughput),
    finished: s.finished,
    discarded: s.discarded,
  });
  const cells = [
    [meta.scenario === 'custom' ? meta.label : meta.multi ? `${meta.title}: ${meta.label}` : meta.title, 'run'],
    [`${FACE_SHORT[s.face]}${om ? ', objects' : ''}${s.producers > 1 ? `, ${s.producers} producers` : ''}${s.corkBatch > 1 ? `, cork ${s.corkBatch}` : ''}${s.face !== 'pipe' && !s.respect ? ', ignoring' : ''}`],
    [fmtUnits(s.highWaterMark, om)],
    [`${fmtUnits(s.peak, om)} (${(s.peak / Math.max(1, s.highWaterMark)).toFixed(1)}×)`, s.peak > 10 * s.highWaterMark ? 'bad' : ''],
    [s.returnedFalse.toLocaleString('en')],
    [s.drains.toLocaleString('en')],
    [`${s.sinkCalls.toLocaleString('en')}${s.writevCalls ? ` (${s.writevCalls.toLocaleString('en')} writev)` : ''}`],
    [fmtUnits(s.writtenUnits, om)],
    [om ? `${Math.round(s.throughput).toLocaleString('en')} obj/s` : `${fmtBytes(s.throughput)}/s`],
    [s.finished ? 'finished' : `destroyed, ${fmtUnits(s.discarded, om)} unwritten`, s.finished ? '' : 'bad'],
  ];
  for (const [text, cls] of cells) {
    const td = document.createElement('td');
    td.textContent = text;
    if (cls) td.className = cls;
    tr.append(td);
  }
  tbody.append(tr);
  $('history-empty').hidden = true;
}

function announceRun(s, label) {
  const om = s.objectMode;
  state.lastAnnouncement =
    `${label}: peak buffered ${fmtUnits(s.peak, om)} (highWaterMark ${fmtUnits(s.highWaterMark, om)}), ` +
    `${fmtUnits(s.writtenUnits, om)} written in ${s.sinkCalls.toLocaleString('en')} sink calls` +
    (s.finished ? '.' : `; destroyed with ${fmtUnits(s.discarded, om)} unwritten.`);
  setStatus(state.lastAnnouncement);
}

function setStatus(text) {
  $('status').textContent = text;
}

// ---------------------------------------------------------------------------------------------
// Event log: coalesces bursts ("'drain' ×12") and renders at most once per frame.

function logEvent(kind, text, t) {
  const last = state.log[state.log.length - 1];
  if (last && last.kind === kind && last.text === text && t - last.t < 250) {
    last.count++;
    last.t = t;
  } else {
    state.log.push({ kind, text, t, t0: t, count: 1, run: state.runCount });
    if (state.log.length > LOG_KEEP) state.log.splice(0, state.log.length - LOG_KEEP);
  }
  state.logDirty = true;
  if (!state.raf) startFrames();
}

function flushLog() {
  if (!state.logDirty) return;
  state.logDirty = false;
  const ol = $('log');
  const items = [];
  for (let i = state.log.length - 1; i >= 0; i--) {
    const e = state.log[i];
    const li = document.createElement('li');
    li.className = `k-${e.kind}`;
    const ts = document.createElement('span');
    ts.className = 't';
    ts.textContent = `${(e.t0 / 1000).toFixed(3)} s`;
    li.append(ts, e.count > 1 ? `${e.text} ×${e.count}` : e.text);
    items.push(li);
  }
  ol.replaceChildren(...items);
}

// ---------------------------------------------------------------------------------------------
// Buttons

form.addEventListener('submit', (e) => {
  e.preventDefault();
  if (!form.reportValidity()) return;
  runCustom();
});

$('stop').addEventListener('click', async () => {
  if (!state.run || state.run.finished) {
    setStatus('Nothing is running.');
    return;
  }
  const run = state.run;
  await cancel();
  const s = run.summary;
  setStatus(
    s
      ? `Stopped: the stream was destroyed after ${fmtUnits(s.writtenUnits, s.objectMode)} written, with ${fmtUnits(s.discarded, s.objectMode)} unwritten.`
      : 'Stopped.',
  );
});

$('reset').addEventListener('click', async () => {
  await cancel();
  state.run = null;
  state.log = [];
  state.logDirty = true;
  state.lastAnnouncement = undefined;
  applyConfig(DEFAULTS);
  $('log-scale').checked = false;
  chart.logScale = false;
  chart.clear();
  resetCounters();
  $('history').tBodies[0].replaceChildren();
  $('history-empty').hidden = false;
  showExplanationDefault();
  document.body.dataset.runState = 'idle';
  delete document.body.dataset.scenario;
  delete document.body.dataset.scenarioState;
  $('chart').setAttribute('aria-label', 'Chart of buffered length over time. No run yet.');
  flushLog();
  setStatus('Reset: controls back to their defaults, history and log cleared.');
});

$('log-scale').addEventListener('change', (e) => {
  chart.logScale = e.target.checked;
  chart.draw();
});

const defaultExplanation = $('explain-text').cloneNode(true);
function showExplanationDefault() {
  $('explain-h').textContent = 'Pick a scenario, or set the controls and press Run';
  $('explain-text').replaceWith(defaultExplanation.cloneNode(true));
  for (const b of document.querySelectorAll('#scenario-list button')) b.removeAttribute('aria-current');
}

// ---------------------------------------------------------------------------------------------
// Start

renderScenarioButtons();
applyConfig(DEFAULTS);
state.memory = await findWasmMemory();
updateMemory();
chart.draw();
setStatus(`Ready. ${describe(DEFAULTS)}.`);
document.body.dataset.status = 'ready';
