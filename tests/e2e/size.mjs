// Size budget of the release build: gzipped wasm, js and css in dist/.
// The budget and why it is what it is: README, "Size".
//
//   node tests/e2e/size.mjs [dist-dir]
import { readdir, readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { extname, join } from 'node:path';

// Gzipped bytes allowed per kind of file.
const BUDGET = { '.wasm': 670 * 1024, '.js': 16 * 1024, '.css': 8 * 1024 };

const dist = process.argv[2] ?? 'dist';
// The names documentation pages rely on (no hash; see Trunk.toml): the
// loader, the wasm-bindgen output beside it, the sheet and the iframe page.
const NAMES = [
  'index.html', 'embed.html', 'raft-playground.js', 'raft-playground-app.js',
  'raft-playground-app_bg.wasm', 'style.css',
];
const present = new Set(await readdir(dist));
const missing = NAMES.filter((n) => !present.has(n));
if (missing.length) {
  console.log(`size: ${dist} lacks ${missing.join(', ')}; is it a release build of this version?`);
  process.exit(1);
}
const totals = { '.wasm': [0, 0], '.js': [0, 0], '.css': [0, 0] };
for (const name of await readdir(dist)) {
  const kind = extname(name);
  if (!(kind in totals)) continue;
  const body = await readFile(join(dist, name));
  totals[kind][0] += body.length;
  totals[kind][1] += gzipSync(body, { level: 9 }).length;
}
let over = false;
for (const [kind, [raw, gz]] of Object.entries(totals)) {
  const ok = gz <= BUDGET[kind];
  over ||= !ok;
  console.log(
    `size ${kind.padEnd(5)} ${(raw / 1024).toFixed(1).padStart(7)} KiB raw, ` +
    `${(gz / 1024).toFixed(1).padStart(6)} KiB gzipped (budget ${BUDGET[kind] / 1024} KiB) ${ok ? 'ok' : 'OVER BUDGET'}`,
  );
  if (raw === 0) {
    console.log(`size: no ${kind} file in ${dist}; is it a release build?`);
    over = true;
  }
}
process.exit(over ? 1 : 0);
