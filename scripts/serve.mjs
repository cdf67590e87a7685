#!/usr/bin/env node
// A tiny zero-dependency static file server.
//
// As a command (`make demo`): serves www/ at / and pkg/ at /pkg/ on http://localhost:$PORT/
// (PORT defaults to 8080, HOST to 127.0.0.1).
// As a module: `startStaticServer({ mounts, host, port })`, used by the packaging tests to serve
// fixture pages on an ephemeral port of 127.0.0.1.
import { createServer } from 'node:http';
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Content types by file extension. `.wasm` must be application/wasm for instantiateStreaming. */
export const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
};

/**
 * Resolves a URL path to a file under one of the mounts, or null. Longest prefix wins; `..`
 * cannot escape a mount's directory.
 * @param {Array<[string, string]>} mounts [urlPrefix ending in '/', directory]
 */
async function resolveFile(mounts, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const sorted = [...mounts].sort((a, b) => b[0].length - a[0].length);
  for (const [prefix, dir] of sorted) {
    if (!decoded.startsWith(prefix)) continue;
    const root = path.resolve(dir);
    let file = path.resolve(root, '.' + path.posix.normalize('/' + decoded.slice(prefix.length)));
    if (file !== root && !file.startsWith(root + path.sep)) return null;
    try {
      let stat = await fs.stat(file);
      if (stat.isDirectory()) {
        file = path.join(file, 'index.html');
        stat = await fs.stat(file);
      }
      if (stat.isFile()) return { file, size: stat.size };
    } catch {
      // fall through to the next mount
    }
  }
  return null;
}

/**
 * Starts a static server.
 * @param {{ mounts: Array<[string, string]>, host?: string, port?: number, log?: boolean }} options
 * @returns {Promise<{ server: import('node:http').Server, url: string, port: number, close: () => Promise<void> }>}
 */
export function startStaticServer({ mounts, host = '127.0.0.1', port = 0, log = false }) {
  const server = createServer(async (req, res) => {
    const urlPath = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const found = await resolveFile(mounts, urlPath);
    if (log) console.log(`${req.method} ${urlPath} ${found ? 200 : 404}`);
    if (!found) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    const type = MIME_TYPES[path.extname(found.file).toLowerCase()] ?? 'application/octet-stream';
    res.writeHead(200, {
      'content-type': type,
      'content-length': found.size,
      'cache-control': 'no-store',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(found.file).on('error', () => res.destroy()).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      const actualPort = typeof address === 'object' && address ? address.port : port;
      const urlHost = host.includes(':') ? `[${host}]` : host;
      resolve({
        server,
        port: actualPort,
        url: `http://${urlHost}:${actualPort}/`,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
  });
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (isMain) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const port = Number(process.env.PORT ?? 8080);
  const host = process.env.HOST ?? '127.0.0.1';
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serve: PORT must be an integer 0-65535, got ${process.env.PORT}`);
    process.exit(2);
  }
  try {
    const { port: actual } = await startStaticServer({
      mounts: [
        ['/pkg/', path.join(root, 'pkg')],
        ['/', path.join(root, 'www')],
      ],
      host,
      port,
      log: Boolean(process.env.SERVE_LOG),
    });
    console.log(`Demo: http://localhost:${actual}/`);
    console.log('(Ctrl-C to stop; PORT=… picks another port, HOST=0.0.0.0 listens beyond this machine)');
  } catch (err) {
    console.error(`serve: cannot listen on ${host}:${port}: ${err.message}`);
    process.exit(1);
  }
}
