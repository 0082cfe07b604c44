// A tiny static server for the release build (dist/), on 127.0.0.1 only.
// The end-to-end test and the frame-time measurement use it so that they
// test exactly what `trunk build --release` produced.
import { createServer } from 'node:http';
import { mkdir, readFile } from 'node:fs/promises';
import { chromium } from 'playwright-core';
import { extname, join, normalize } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

export function serve(dir) {
  return serveRoutes([['/', dir]]);
}

// Serves each folder under its URL prefix (ending in "/"), e.g.
// [['/raft/', 'dist'], ['/doc/', fixtures]]: the build at a sub-path, as a
// GitHub Pages project site has it. A folder's URL without its "/" is
// redirected to it, as static hosts do; "…/" serves "…/index.html".
export function serveRoutes(routes) {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    for (const [prefix, dir] of routes) {
      if (path === prefix.slice(0, -1) && prefix !== '/') {
        res.writeHead(301, { location: prefix }).end();
        return;
      }
      if (!path.startsWith(prefix)) continue;
      const rest = path.slice(prefix.length);
      const file = normalize(join(dir, rest === '' || rest.endsWith('/') ? rest + 'index.html' : rest));
      if (!file.startsWith(normalize(dir))) {
        res.writeHead(403).end();
        return;
      }
      try {
        const body = await readFile(file);
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
        res.end(body);
      } catch {
        res.writeHead(404).end('not found');
      }
      return;
    }
    res.writeHead(404).end('not found');
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

// Where the end-to-end tests put their screenshots.
export const OUT = 'test-output/e2e';

// What every end-to-end test starts with: the release build in `dist`
// served, Debian's Chromium launched, and the screenshot folder made.
// `shoot(page, name)` saves a full-page screenshot from the top, so that
// the sticky header sits where a user sees it.
export async function openRelease(dist) {
  await mkdir(OUT, { recursive: true });
  const server = await serve(dist);
  const base = `http://127.0.0.1:${server.address().port}/`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const shoot = async (page, name) => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${OUT}/${name}.png`, fullPage: true });
  };
  return { server, base, browser, shoot, out: OUT };
}
