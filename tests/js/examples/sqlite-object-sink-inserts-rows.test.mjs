// Streams-chapter example 8: an objectMode, database-style sink writing rows into a real
// better-sqlite3 database. Each insert completes asynchronously (setImmediate); rows that queue up
// behind a busy insert arrive together in writev and are inserted in one transaction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import Database from 'better-sqlite3';
import { Writable } from '../../../pkg/node.mjs';

test('an objectMode sink inserts rows into a real SQLite database (writev batches in a transaction)', async (t) => {
  const db = new Database(':memory:');
  t.after(() => db.close());
  db.exec('CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, user TEXT NOT NULL, action TEXT NOT NULL, amount REAL)');
  const insert = db.prepare('INSERT INTO events (user, action, amount) VALUES (@user, @action, @amount)');
  const insertMany = db.transaction((rows) => {
    for (const row of rows) insert.run(row);
  });
  const calls = [];
  const w = new Writable({
    objectMode: true,
    write(row, encoding, cb) {
      calls.push(['write', 1]);
      setImmediate(() => {
        try {
          insert.run(row);
          cb();
        } catch (err) {
          cb(err);
        }
      });
    },
    writev(entries, cb) {
      calls.push(['writev', entries.length]);
      Promise.resolve().then(() => insertMany(entries.map((e) => e.chunk))).then(() => cb(), cb);
    },
  });
  const rows = [];
  for (let i = 0; i < 10; i++) rows.push({ user: `user${i % 3}`, action: i % 2 ? 'buy' : 'sell', amount: i * 1.5 });
  for (const row of rows) w.write(row);
  assert.equal(w.writableLength, 10, 'objectMode counts rows, not bytes');
  w.end();
  await once(w, 'finish');

  // The first row goes straight to write(); the nine queued behind it form one writev batch.
  assert.deepEqual(calls, [['write', 1], ['writev', 9]]);
  const stored = db.prepare('SELECT seq, user, action, amount FROM events ORDER BY seq').all();
  assert.deepEqual(stored, rows.map((r, i) => ({ seq: i + 1, ...r })));
});
