import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// Every stream's face state is one shape of object to V8. A field that once holds a heap number
// where it held small integers (Smi: below 2^31 in Node, 2^30 where V8 compresses pointers, as
// in Chromium) changes that shape for every stream, and all the code made for the old one is
// deoptimised: a budget held at 2^32 - 1 did so on the first refusal or crossing, a steady run's
// total once past 2^31 bytes. The workloads run in a child process under V8's
// --trace-generalization, which logs each such change.

const child = fileURLToPath(new URL('../helpers/state-workloads.mjs', import.meta.url));

function generalizations(workload) {
  const run = spawnSync(process.execPath, ['--trace-generalization', child, workload], { encoding: 'utf8' });
  assert.equal(run.status, 0, `the ${workload} workload failed: ${run.stderr}`);
  assert.match(run.stderr, /^done /m, `the ${workload} workload did not finish`);
  // A field of ours going to a double: `name:s{…}->d{…}` (or from anything to d) in lib/.
  return run.stdout.split('\n').filter((line) => /\[generalizing\]/.test(line) && /->d\{/.test(line) && /\/lib\/[a-z-]+\.js/.test(line));
}

test('cork batches that cross the highWaterMark keep the stream state in small integers', () => {
  assert.deepEqual(generalizations('cross'), []);
});

test('writes refused after false keep the stream state in small integers', () => {
  assert.deepEqual(generalizations('refuse'), []);
});

test('a steady run past 2^31 bytes keeps the stream state in small integers', () => {
  assert.deepEqual(generalizations('long-run'), []);
});

test('a WHATWG stream over a sink object past 2^31 bytes keeps the stream state in small integers', () => {
  assert.deepEqual(generalizations('web-long-run'), []);
});
