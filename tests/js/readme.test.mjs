// The README's Node example must run as written against the built package (pkg/).
// Runs every ```js block whose first line is "// node example" and checks its "// prints:" line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)]
  .map((m) => m[1])
  .filter((code) => code.startsWith('// node example'));

test('README has a Node example', () => {
  assert.ok(blocks.length > 0);
});

for (const [i, code] of blocks.entries()) {
  test(`README Node example #${i + 1} runs and prints what it says`, async () => {
    const expected = [...code.matchAll(/\/\/ prints: (.*)$/gm)].map((m) => m[1].trim());
    const entry = pathToFileURL(path.join(root, 'pkg', 'node.mjs')).href;
    const source = code.replaceAll("'wasm-writable'", JSON.stringify(entry));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasm-writable-readme-'));
    try {
      const file = path.join(dir, 'example.mjs');
      fs.writeFileSync(file, source);
      const { stdout } = await promisify(execFile)(process.execPath, [file], { timeout: 30_000 });
      assert.deepEqual(stdout.trim().split('\n'), expected);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
