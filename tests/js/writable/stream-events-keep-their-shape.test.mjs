import { test } from 'node:test';
import { sameAsNode } from '../helpers/trace.mjs';

// Node keeps a stream's own events as keys of `_events` (shape mode, so V8 keeps it fast):
// removing their last listener leaves the key with no listener and emits no 'removeListener';
// removeAllListeners() ends that. Everything a user can see of it is what Node shows.
test("a stream's event names and listener counts follow Node through on, off and removeAll", async () => {
  await sameAsNode(async ({ Writable, log }) => {
    const w = new Writable({ write(c, e, cb) { cb(); } });
    const f = () => {};
    const g = () => {};
    log('fresh', w.eventNames(), w.listenerCount('drain'), w.listeners('close').length);
    w.on('removeListener', (type) => log('removeListener', type));
    w.on('drain', f);
    w.on('custom', g);
    log('added', w.eventNames(), w.listenerCount('drain'));
    w.off('drain', f);
    w.off('custom', g);
    log('removed', w.eventNames(), w.listenerCount('drain'), w.listenerCount('custom'));
    for (let i = 0; i < 3; i++) {
      w.once('drain', f);
      w.emit('drain');
    }
    log('after once cycles', w.eventNames());
    w.on('finish', f);
    w.removeAllListeners('finish');
    log('removeAll finish', w.eventNames());
    w.on('drain', f);
    w.removeAllListeners();
    log('removeAll', w.eventNames());
    w.on('drain', f);
    w.off('drain', f);
    log('after removeAll', w.eventNames());
  });
});
