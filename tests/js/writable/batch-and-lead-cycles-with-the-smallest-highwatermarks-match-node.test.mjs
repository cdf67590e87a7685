import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { takeRefusedReports } from '../helpers/core-reports.mjs';
import { batchCycles } from '../helpers/batch-cycles.mjs';
import { sameAsNode } from '../helpers/trace.mjs';

// The smallest highWaterMarks leave a cork or lead batch little or no room below the mark. At 0
// and 1 the core runs every batch itself; from 2 the face runs batch and lead cycles on its own
// (see batchDispatch), with a budget of one unit, so a batch's first write of 1 stays below the
// mark and the next reaches it. The face counts a batch's units and refusals from its budget (the
// writes taken within it, and the first one past it): these edges check that count, and the
// core's part below them, against Node's write() answers and 'drain's.

// Every report of cycles the face makes must be one the core takes (see core-reports.mjs).
afterEach(() => {
  assert.deepEqual(takeRefusedReports(), [], 'reports the core refused');
});

const sizes = [() => 1, () => 0, (b, j) => (j % 2 === 0 ? 0 : 3)];

for (const hwm of [0, 1, 2, 3]) {
  for (const complete of ['sync', 'microtask', 'setImmediate']) {
    test(`cork batches with a highWaterMark of ${hwm} drain as in Node (${complete})`, async () => {
      for (const size of sizes) {
        await sameAsNode(batchCycles({ hwm, complete, size, max: 4 }));
        await sameAsNode(batchCycles({ hwm, complete, size, max: 4, writev: false }));
      }
      await sameAsNode(batchCycles({ hwm, complete, objectMode: true, max: 4 }));
    });

    test(`lead cycles with a highWaterMark of ${hwm} drain as in Node (${complete})`, async () => {
      for (const size of sizes) {
        await sameAsNode(batchCycles({ depth: 0, hwm, complete, size, max: 4 }));
        await sameAsNode(batchCycles({ depth: 0, hwm, complete, size, max: 4, writev: false }));
      }
      await sameAsNode(batchCycles({ depth: 0, hwm, complete, objectMode: true, max: 4 }));
    });
  }
}
