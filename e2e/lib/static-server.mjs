// Serves a directory on a free loopback port: the "customer site" the recorder runs on. It is
// another origin than the Tapedeck server, as in production, so ingest goes through CORS.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';

const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.svg': 'image/svg+xml', '.png': 'image/png' };

export async function serveDirectory(root, replacements = {}) {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    try {
      let body = await readFile(join(root, path === '/' ? 'index.html' : path));
      if (extname(path) === '.html' || path === '/') {
        let text = body.toString('utf8');
        for (const [key, value] of Object.entries(replacements)) text = text.replaceAll(key, value);
        body = Buffer.from(text);
      }
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'text/html; charset=utf-8' });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}
