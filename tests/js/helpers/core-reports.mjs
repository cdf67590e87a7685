import { WritableCore } from '../../../pkg/wasm/wasm_writable.js';

// The face reports runs and cycles it ran itself (batchRun, drainRun); the core refuses (answers
// false, changing nothing) a report of cycles it cannot have had, and the face's report must
// never be one: a refused report leaves the core behind the face. Importing this module wraps
// both reports; takeRefusedReports() returns (and forgets) the ones refused so far.

const refused = [];
for (const name of ['batchRun', 'drainRun']) {
  const report = WritableCore.prototype[name];
  WritableCore.prototype[name] = function checked(...args) {
    const ok = report.apply(this, args);
    if (!ok) refused.push(`${name}(${args.join(', ')})`);
    return ok;
  };
}

export function takeRefusedReports() {
  return refused.splice(0);
}
