// Packaging test: `npm pack` the built pkg/ and use the tarball the way users do, in fresh
// projects under the OS temp dir:
//   node-esm   import { Writable, MemorySink } from 'wasm-writable'       (Node, ESM)
//   node-cjs   require('wasm-writable')                                    (Node, CommonJS)
//   browser    <script type="module"> importing node_modules/wasm-writable/browser.js, no bundler
//   vite       `vite build` of a page importing 'wasm-writable' (Vite 7)
// The two browser projects are served on 127.0.0.1 (ephemeral port) and run in headless Chromium
// through playwright-core. Every project writes strings and bytes into a MemorySink and checks the
// exact bytes. Fixture dependencies come from each fixture's committed package-lock.json (`npm ci`);
// installed trees are cached under build/packaging-cache/, keyed by the lock.
//
// Run: node --test tests/packaging/run.mjs   (after `make pkg`; `make test` does both)
// Env: KEEP_PACKAGING_TMP=1 keeps the temp projects; CHROMIUM_PATH overrides /usr/bin/chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { launchChromium } from '../../scripts/chromium.mjs';
import { startStaticServer } from '../../scripts/serve.mjs';

const execFileP = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const pkgDir = path.join(root, 'pkg');
const fixtures = path.join(here, 'fixtures');
const cacheRoot = path.join(root, 'build', 'packaging-cache');
const npmFlags = ['--no-audit', '--no-fund', '--loglevel=error', '--prefer-offline'];

const EXPECTED_TEXT = 'hello € world';
const EXPECTED_BYTES = Array.from(new TextEncoder().encode(EXPECTED_TEXT));

let tmp;
let tarball;
let packedFiles;
let browser;

async function run(cmd, args, cwd, { timeout = 180_000 } = {}) {
  try {
    return await execFileP(cmd, args, { cwd, timeout, maxBuffer: 32 * 1024 * 1024, env: process.env });
  } catch (err) {
    throw new Error(
      `\`${cmd} ${args.join(' ')}\` failed in ${cwd}: ${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}`,
    );
  }
}

function hashFiles(...files) {
  const hash = createHash('sha256');
  for (const file of files) if (fs.existsSync(file)) hash.update(fs.readFileSync(file));
  return hash.digest('hex').slice(0, 16);
}

/**
 * Makes a fresh project from a fixture: copy its files, install its own dependencies from its
 * committed lock (npm ci, cached by lock hash), then `npm install` the packed tarball into it.
 */
async function makeProject(name) {
  const src = path.join(fixtures, name);
  const dir = path.join(tmp, name);
  fs.cpSync(src, dir, { recursive: true, filter: (p) => path.basename(p) !== 'node_modules' });
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const hasDeps = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies }).length > 0;
  if (hasDeps) {
    assert.ok(fs.existsSync(path.join(src, 'package-lock.json')), `${name}: commit its package-lock.json`);
    const key = hashFiles(path.join(src, 'package.json'), path.join(src, 'package-lock.json'));
    const cached = path.join(cacheRoot, `${name}-${key}`);
    if (!fs.existsSync(path.join(cached, 'node_modules'))) {
      const staging = `${cached}.tmp-${process.pid}`;
      fs.rmSync(staging, { recursive: true, force: true });
      fs.mkdirSync(staging, { recursive: true });
      for (const f of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(src, f), path.join(staging, f));
      await run('npm', ['ci', ...npmFlags], staging);
      fs.rmSync(cached, { recursive: true, force: true });
      fs.renameSync(staging, cached);
    }
    fs.cpSync(path.join(cached, 'node_modules'), path.join(dir, 'node_modules'), {
      recursive: true,
      verbatimSymlinks: true,
    });
  }
  await run('npm', ['install', '--no-save', ...npmFlags, tarball], dir);
  const installed = JSON.parse(
    fs.readFileSync(path.join(dir, 'node_modules', 'wasm-writable', 'package.json'), 'utf8'),
  );
  assert.equal(installed.name, 'wasm-writable');
  return dir;
}

function assertScenario(result, where) {
  assert.deepEqual(result.bytes, EXPECTED_BYTES, `${where}: bytes that reached the MemorySink`);
  assert.equal(result.text, EXPECTED_TEXT, `${where}: MemorySink.text()`);
}

/** Serves `dir` on 127.0.0.1, opens it in Chromium, waits for the page's result, checks it. */
async function checkInBrowser(dir, where) {
  const server = await startStaticServer({ mounts: [['/', dir]] });
  const page = await browser.newPage();
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console.${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`));
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()} for ${res.url()}`);
  });
  try {
    await page.goto(server.url, { waitUntil: 'load' });
    try {
      await page.waitForSelector('body[data-status="done"]', { timeout: 20_000 });
    } catch (err) {
      throw new Error(`${where}: the page never finished (${err.message})\n${problems.join('\n')}`);
    }
    const result = JSON.parse(await page.textContent('#out'));
    assertScenario(result, where);
    assert.deepEqual(problems, [], `${where}: console errors/warnings or failed requests`);
  } finally {
    await page.close();
    await server.close();
  }
}

before(async () => {
  assert.ok(fs.existsSync(path.join(pkgDir, 'package.json')), 'pkg/ is not built: run `make pkg` first');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wasm-writable-packaging-'));
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', tmp, pkgDir], root);
  const [info] = JSON.parse(stdout);
  tarball = path.join(tmp, info.filename);
  packedFiles = info.files.map((f) => f.path).sort();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  if (tmp && !process.env.KEEP_PACKAGING_TMP) fs.rmSync(tmp, { recursive: true, force: true });
  else if (tmp) console.log(`kept ${tmp}`);
});

test('the tarball ships the entry points, types, lib/ and wasm/, and nothing else', () => {
  for (const required of [
    'package.json',
    'README.md',
    'node.mjs',
    'node.cjs',
    'browser.js',
    'index.d.ts',
    'lib/index.js',
    'wasm/wasm_writable.js',
    'wasm/wasm_writable_bg.wasm',
  ]) {
    assert.ok(packedFiles.includes(required), `tarball is missing ${required}; it has ${packedFiles.join(', ')}`);
  }
  const topLevel = new Set(['package.json', 'README.md', 'node.mjs', 'node.cjs', 'browser.js', 'index.d.ts']);
  const stray = packedFiles.filter((f) => !topLevel.has(f) && !/^(lib|wasm)\//.test(f));
  assert.deepEqual(stray, [], 'files that should not ship');
});

test('Node ESM: import from the installed tarball', async () => {
  const dir = await makeProject('node-esm');
  const { stdout } = await run(process.execPath, ['check.mjs'], dir);
  const result = JSON.parse(stdout.trim().split('\n').at(-1));
  assert.match(result.resolved, /\/node_modules\/wasm-writable\/node\.mjs$/, 'exports map: node + import');
  assertScenario(result, 'node-esm');
});

test('Node CommonJS: require() of the installed tarball', async () => {
  const dir = await makeProject('node-cjs');
  const { stdout } = await run(process.execPath, ['check.cjs'], dir);
  const result = JSON.parse(stdout.trim().split('\n').at(-1));
  assert.match(result.resolved, /[/\\]node_modules[/\\]wasm-writable[/\\]node\.cjs$/, 'exports map: node + require');
  assert.equal(result.version, JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).version);
  assertScenario(result, 'node-cjs');
});

test('plain browser: <script type="module"> imports browser.js, no bundler', async () => {
  const dir = await makeProject('browser');
  await checkInBrowser(dir, 'browser');
});

test('Vite 7: vite build of a page importing the package, run in Chromium', async () => {
  const dir = await makeProject('vite');
  await run(process.execPath, [path.join(dir, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], dir);
  const dist = path.join(dir, 'dist');
  const assets = fs.readdirSync(path.join(dist, 'assets'));
  assert.ok(assets.some((f) => f.endsWith('.wasm')), `vite emitted the .wasm as an asset (assets: ${assets.join(', ')})`);
  await checkInBrowser(dist, 'vite');
});
