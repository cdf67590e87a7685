// Runs the shared web-face scenarios (tests/shared/web-scenarios.mjs) of one group in Node 20,
// one node:test test per scenario, named for it; api = pkg/node.mjs. Scenarios that need a served
// file (env.dataUrl) get one from scripts/serve.mjs on an ephemeral 127.0.0.1 port.
import { test, before, after } from 'node:test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as api from '../../../pkg/node.mjs';
import { startStaticServer } from '../../../scripts/serve.mjs';
import { scenarios, dataBytes, todoFor } from '../../shared/web-scenarios.mjs';

export const DATA_LENGTH = 300_007;

export function runGroup(group) {
  const list = scenarios.filter((s) => s.group === group);
  if (list.length === 0) throw new Error(`no web scenarios in group '${group}'`);
  const env = { runner: 'node' };
  let server = null;
  let dir = null;
  if (list.some((s) => s.needs?.includes('dataUrl'))) {
    before(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasm-writable-web-'));
      fs.writeFileSync(path.join(dir, 'data.bin'), dataBytes(DATA_LENGTH));
      server = await startStaticServer({ mounts: [['/data/', dir]] });
      env.dataUrl = `${server.url}data/data.bin`;
      env.dataLength = DATA_LENGTH;
    });
    after(async () => {
      await server?.close();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });
  }
  for (const scenario of list) {
    const todo = todoFor(scenario, 'node');
    test(scenario.name, { timeout: 10_000, ...(todo ? { todo } : {}) }, async (t) => {
      const result = await scenario.run(api, env);
      if (result?.skip) t.skip(result.skip);
    });
  }
}
