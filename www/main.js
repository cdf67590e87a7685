// Placeholder demo: write "hello" through the package's Writable into a Rust MemorySink.
import { Writable, MemorySink } from '/pkg/browser.js';

const out = document.getElementById('result');
try {
  const sink = new MemorySink();
  const w = new Writable({ sink });
  w.on('finish', () => {
    out.textContent = `MemorySink received ${sink.byteLength} bytes: "${sink.text()}"`;
    document.body.dataset.status = 'done';
  });
  w.on('error', (err) => {
    out.textContent = `error: ${err.code ?? ''} ${err.message}`;
  });
  w.end('hello');
} catch (err) {
  out.textContent = `error: ${err.message}`;
  throw err;
}
