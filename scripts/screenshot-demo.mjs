#!/usr/bin/env node
// Regenerates the README's screenshot of the demo page: docs/demo.png.
//
// Serves www/ and pkg/ (as `make demo` does) on an ephemeral 127.0.0.1 port, opens the page in
// headless Chromium (playwright-core, /usr/bin/chromium or $CHROMIUM_PATH), runs the
// "Fast source, slow sink" scenario (ignoring, then respecting backpressure), and captures the
// page from the top to the bottom of the chart and counters.
//
// Usage: node scripts/screenshot-demo.mjs [out.png]   (after `make pkg`)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './chromium.mjs';
import { startStaticServer } from './serve.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.resolve(process.argv[2] ?? path.join(root, 'docs', 'demo.png'));
const scenario = process.env.SCENARIO ?? 'slow-sink';

if (!fs.existsSync(path.join(root, 'pkg', 'browser.js'))) {
  console.error('screenshot-demo: pkg/ is not built: run `make pkg` first');
  process.exit(1);
}

const server = await startStaticServer({
  mounts: [
    ['/pkg/', path.join(root, 'pkg')],
    ['/', path.join(root, 'www')],
  ],
});
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 }, deviceScaleFactor: 1, colorScheme: 'light' });
  const problems = [];
  page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(server.url, { waitUntil: 'load' });
  await page.waitForSelector('body[data-status="ready"]', { timeout: 20_000 });
  await page.click(`#scenario-list button[data-scenario="${scenario}"]`);
  await page.waitForSelector(`body[data-scenario-state="done"]`, { timeout: 30_000 });
  await page.waitForTimeout(100);
  if (problems.length) throw new Error(`the page reported problems:\n${problems.join('\n')}`);
  // From the top of the page to the bottom of the chart + counters panel.
  const bottom = await page.$eval('.viz', (el) => el.getBoundingClientRect().bottom + window.scrollY);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  await page.screenshot({ path: out, fullPage: true, clip: { x: 0, y: 0, width: 1200, height: Math.ceil(bottom + 12) } });
  console.log(`screenshot-demo: wrote ${path.relative(process.cwd(), out)} (${(fs.statSync(out).size / 1024).toFixed(0)} KiB)`);
} finally {
  await browser.close();
  await server.close();
}
