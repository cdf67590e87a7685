// Node side of the browser runs of benches/web.mjs and benches/sinks.mjs (this file is never
// loaded by the page): serves pkg/ at /pkg/ and this directory at / on an ephemeral port of
// 127.0.0.1, opens index.html in headless Chromium (playwright-core, as tests/e2e/ does), calls
// one of the page's `window.run…` functions and returns its result. Also: writing a block
// between two markers of README.md.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStaticServer } from '../../scripts/serve.mjs';
import { chromiumPath, launchChromium } from '../../scripts/chromium.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, '../..');
export { chromiumPath };

/**
 * Runs `window[fn](arg)` in a fresh headless Chromium page and returns its (JSON) result, with
 * the browser's version. Lines the page logs with console.log are echoed, prefixed.
 * @returns {Promise<{ result: any, version: string } | { skipped: string }>}
 */
export async function runInChromium(fn, arg, { prefix = 'chromium', timeoutMs = 110_000 } = {}) {
  if (!fs.existsSync(chromiumPath)) return { skipped: `no Chromium at ${chromiumPath} (CHROMIUM_PATH overrides)` };
  const server = await startStaticServer({
    mounts: [
      ['/pkg/', path.join(root, 'pkg')],
      ['/', here],
    ],
  });
  let browser;
  try {
    browser = await launchChromium();
    const page = await browser.newPage();
    const problems = [];
    page.on('console', (msg) => {
      if (msg.type() === 'log') console.log(`  ${prefix}: ${msg.text()}`);
      else if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console.${msg.type()}: ${msg.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('response', (res) => {
      if (res.status() >= 400 && !res.url().endsWith('/favicon.ico')) problems.push(`HTTP ${res.status()} for ${res.url()}`);
    });
    await page.goto(server.url, { waitUntil: 'load' });
    try {
      await page.waitForSelector('body[data-status="ready"]', { state: 'attached', timeout: 20_000 });
    } catch (err) {
      throw new Error(`the benchmark page never became ready (${err.message})\n${problems.join('\n')}`);
    }
    let timer;
    const result = await Promise.race([
      page.evaluate(([name, a]) => window[name](a), [fn, arg]),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${fn} in Chromium took over ${timeoutMs} ms`)), timeoutMs);
      }),
    ])
      .catch((err) => {
        if (problems.length) err.message += `\n${problems.join('\n')}`;
        throw err;
      })
      .finally(() => clearTimeout(timer));
    if (problems.length) console.error(`  ${prefix}: ${problems.join('\n  ')}`);
    return { result, version: `Chromium ${browser.version()}` };
  } finally {
    await browser?.close();
    await server.close();
  }
}

/** Replaces what lies between `<!-- NAME:start -->` and `<!-- NAME:end -->` in README.md. */
export function updateReadme(name, body) {
  const file = path.join(root, 'README.md');
  const readme = fs.readFileSync(file, 'utf8');
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const a = readme.indexOf(start);
  const b = readme.indexOf(end);
  if (a < 0 || b < a) {
    console.error(`README.md has no ${start} … ${end} markers; table not written`);
    process.exitCode = 1;
    return;
  }
  fs.writeFileSync(file, readme.slice(0, a) + `${start}\n${body}\n${end}` + readme.slice(b + end.length));
  console.log(`README.md: ${name} tables updated`);
}

/** Command-line flags common to both scripts. */
export function parseArgs(argv, defaultJson) {
  const jsonIdx = argv.indexOf('--json');
  return {
    quick: argv.includes('--quick'),
    updateReadme: argv.includes('--update-readme'),
    browser: !argv.includes('--no-browser'),
    json: jsonIdx >= 0 ? argv[jsonIdx + 1] : defaultJson,
  };
}
