// Frame time with 9 members under heavy traffic, in headless Chromium on
// the release build. Not a pass/fail test: it prints the figures the README
// reports.
//
//   node tests/e2e/frames.mjs [dist-dir] [seconds]
//
// What it measures: the interval between consecutive requestAnimationFrame
// callbacks (a frame that took longer than the display's 16.7 ms shows up
// as a longer interval), plus Chromium's long-animation-frame entries (the
// main-thread work of frames over 50 ms).
import { chromium } from 'playwright-core';
import { serve, CHROMIUM, CHROMIUM_ARGS } from './serve.mjs';

const dist = process.argv[2] ?? 'dist';
const seconds = Number(process.argv[3] ?? 10);
const server = await serve(dist);
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  for (const speed of [1, 10]) {
    await page.goto(`${base}?seed=5&members=9&traffic=100&speed=${speed}`);
    await page.waitForFunction(() => document.getElementById('leader')?.textContent.trim() !== '', null, { timeout: 30000 });
    // Let the traffic build up before measuring.
    await page.waitForTimeout(1000);
    const r = await page.evaluate(async (ms) => {
      const long = [];
      const po = new PerformanceObserver((l) => long.push(...l.getEntries().map((e) => e.duration)));
      try { po.observe({ type: 'long-animation-frame', buffered: false }); } catch { /* older Chromium */ }
      const gaps = [];
      let inFlight = 0;
      let samples = 0;
      await new Promise((done) => {
        let last = performance.now();
        const end = last + ms;
        const tick = (t) => {
          gaps.push(t - last);
          last = t;
          inFlight += document.querySelectorAll('.msg-g').length;
          samples += 1;
          if (t < end) requestAnimationFrame(tick); else done();
        };
        requestAnimationFrame(tick);
      });
      po.disconnect();
      gaps.sort((a, b) => a - b);
      const q = (p) => gaps[Math.min(gaps.length - 1, Math.floor(p * gaps.length))];
      return {
        frames: gaps.length,
        median: q(0.5),
        p95: q(0.95),
        max: gaps[gaps.length - 1],
        longFrames: long.length,
        messagesDrawn: inFlight / samples,
        virtualTime: document.getElementById('virtual-time').textContent,
      };
    }, seconds * 1000);
    console.log(
      `speed ${speed}x, 9 members, 100 writes/s: ${r.frames} frames in ${seconds} s; ` +
      `frame interval median ${r.median.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms, max ${r.max.toFixed(1)} ms; ` +
      `${r.longFrames} long animation frames (>50 ms); ${r.messagesDrawn.toFixed(0)} messages drawn on average; ` +
      `virtual time at the end ${r.virtualTime}`,
    );
  }
} finally {
  await browser.close();
  server.close();
}
