// Memory of a long run with client traffic, in headless Chromium on the
// release build. Not a pass/fail test (the native test
// crates/raft-sim/tests/footprint.rs guards the core's bounds): it prints
// the figures the README reports.
//
//   node tests/e2e/memory.mjs [dist-dir] [virtual-seconds]
//
// It opens 9 members with 100 background writes per virtual second at 100×
// and samples, every 10 s of wall time, the virtual clock, the size of the
// wasm linear memory (it never shrinks, so a leak shows as steady growth)
// and the frames drawn since the last sample.
import { chromium } from 'playwright-core';
import { serve, CHROMIUM, CHROMIUM_ARGS } from './serve.mjs';

const dist = process.argv[2] ?? 'dist';
const virtualSecs = Number(process.argv[3] ?? 3600);
const WALL_LIMIT_MS = 15 * 60 * 1000;
const server = await serve(dist);
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  // Trunk's loader announces the wasm exports once; keep them to read the
  // linear memory's size.
  await page.addInitScript(() => {
    addEventListener('TrunkApplicationStarted', (e) => { window.__wasm = e.detail.wasm; });
    window.__frames = 0;
    const count = () => { window.__frames += 1; requestAnimationFrame(count); };
    requestAnimationFrame(count);
  });
  await page.goto(`${base}?seed=5&members=9&traffic=100&speed=100`);
  await page.waitForFunction(() => window.__wasm && document.getElementById('leader')?.textContent.trim() !== '', null, { timeout: 30000 });
  const sample = () => page.evaluate(() => {
    const text = document.getElementById('virtual-time').textContent;
    const frames = window.__frames;
    window.__frames = 0;
    return {
      virtual: parseFloat(text.replace(/[^0-9.]/g, '')),
      wasmMiB: window.__wasm.memory.buffer.byteLength / 1048576,
      jsMiB: performance.memory ? performance.memory.usedJSHeapSize / 1048576 : NaN,
      frames,
    };
  });
  console.log('wall s | virtual s | wasm memory MiB | JS heap MiB | frames/s | real speed');
  const start = Date.now();
  let last = await sample();
  let lastWall = start;
  while (last.virtual < virtualSecs && Date.now() - start < WALL_LIMIT_MS) {
    await page.waitForTimeout(10000);
    const s = await sample();
    const wall = Date.now();
    const dt = (wall - lastWall) / 1000;
    console.log(
      `${((wall - start) / 1000).toFixed(0).padStart(6)} | ${s.virtual.toFixed(0).padStart(9)} | ` +
      `${s.wasmMiB.toFixed(1).padStart(15)} | ${s.jsMiB.toFixed(1).padStart(11)} | ` +
      `${(s.frames / dt).toFixed(0).padStart(8)} | ${((s.virtual - last.virtual) / dt).toFixed(0)}×`,
    );
    last = s;
    lastWall = wall;
  }
} finally {
  await browser.close();
  server.close();
}
