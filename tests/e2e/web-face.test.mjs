// The web face in headless Chromium: serves pkg/ at /pkg/, tests/shared/ at /shared/, a generated
// data file at /data/ and tests/e2e/page/ at / on an ephemeral 127.0.0.1 port, then for each
// scenario of tests/shared/web-scenarios.mjs (re)loads the page (which imports /pkg/browser.js and
// the scenarios module) and runs it there: one node:test test per scenario, named for it. A test
// fails on the scenario's own failure and on any console error/warning, page error or failed
// request while it ran. Scenarios marked todo (a known divergence) are reported as todo.
//
// Run: node --test tests/e2e/web-face.test.mjs   (after `make pkg`; `make test LAYERS=e2e`)
// Env: CHROMIUM_PATH overrides /usr/bin/chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../../scripts/chromium.mjs';
import { startStaticServer } from '../../scripts/serve.mjs';
import { watchProblems, gotoReady } from './browser-page.mjs';
import { scenarios, dataBytes, todoFor } from '../shared/web-scenarios.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const DATA_LENGTH = 300_007;

let browser;
let page;
let server;
let dataDir;
/** Console errors/warnings, page errors and failed requests since the last (re)load. */
let problems;

before(async () => {
  assert.ok(fs.existsSync(path.join(root, 'pkg', 'browser.js')), 'pkg/ is not built: run `make pkg` first');
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasm-writable-e2e-'));
  fs.writeFileSync(path.join(dataDir, 'data.bin'), dataBytes(DATA_LENGTH));
  server = await startStaticServer({
    mounts: [
      ['/pkg/', path.join(root, 'pkg')],
      ['/shared/', path.join(root, 'tests', 'shared')],
      ['/data/', dataDir],
      ['/', path.join(here, 'page')],
    ],
  });
  browser = await launchChromium();
  page = await browser.newPage();
  // Chromium reports a fetch body consumed through pipeTo as net::ERR_ABORTED once the pipe
  // releases the reader, even into a plain JS WritableStream and with every byte delivered
  // (the scenario checks the bytes), so that one is not a problem.
  problems = watchProblems(page, {
    ignoreRequestFailure: (req, errorText) => req.url().endsWith('/data/data.bin') && errorText === 'net::ERR_ABORTED',
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/** (Re)loads the scenario page: a fresh document, package and wasm instance for each scenario. */
async function loadPage() {
  problems.splice(0);
  await gotoReady(page, server.url, problems);
}

test('the page loads /pkg/browser.js and lists the same scenarios as Node', async () => {
  await loadPage();
  const names = await page.evaluate(() => window.scenarioNames);
  assert.deepEqual(names, scenarios.map((s) => s.name));
  assert.deepEqual(problems, []);
});

for (const scenario of scenarios) {
  const todo = todoFor(scenario, 'browser');
  test(`chromium: ${scenario.name}`, { timeout: 30_000, ...(todo ? { todo } : {}) }, async (t) => {
    const env = { runner: 'browser', dataUrl: `${server.url}data/data.bin`, dataLength: DATA_LENGTH };
    await loadPage();
    const result = await page.evaluate(([name, e]) => window.runScenario(name, e), [scenario.name, env]);
    // Let late console errors (e.g. an unhandled rejection) surface before judging.
    await page.waitForTimeout(50);
    if (result.status === 'failed') assert.fail(`${result.message}${problems.length ? `\n${problems.join('\n')}` : ''}`);
    assert.deepEqual(problems, [], 'console errors/warnings, page errors or failed requests while the scenario ran');
    if (result.status === 'skipped') t.skip(result.message);
  });
}
