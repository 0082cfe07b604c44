// End-to-end: the playground embedded in documentation, as a reader of
// "Embed it in your docs" does it. The release build is served at a
// sub-path (/raft/, like a GitHub Pages project site) and a documentation
// page of our own (tests/e2e/fixtures/embed/doc.html, the plain-HTML
// snippet) at /doc/; a second server on another port (another origin)
// holds the iframe embed. Screenshots go to test-output/e2e/embed-*.png.
//
//   node tests/e2e/embed.mjs [dist-dir]
//
// Waits are on what the instances show (data-virtual-ms, data-trace-hash,
// data-role in each shadow root), with deadlines.
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, OUT, serveRoutes } from './serve.mjs';
import { mkdir } from 'node:fs/promises';

const dist = process.argv[2] ?? 'dist';
const fixtures = fileURLToPath(new URL('./fixtures/embed/', import.meta.url));
await mkdir(OUT, { recursive: true });
const site = await serveRoutes([['/raft/', dist], ['/doc/', fixtures]]);
const other = await serveRoutes([['/', fixtures]]);
const origin = `http://127.0.0.1:${site.address().port}`;
const otherOrigin = `http://127.0.0.1:${other.address().port}`;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
const step = (s) => console.log(`e2e embed: ${s}`);
let failed = false;
// Runs one part of the test; a part that fails is reported and the others
// still run (a run that fails names everything that is wrong).
async function part(name, body) {
  try {
    await body();
  } catch (e) {
    failed = true;
    console.error(`e2e embed FAILED (${name}): ${e.message}`);
  }
}

// Counts requestAnimationFrame callbacks that run, so that a loop left
// behind by a removed element shows.
const countFrames = () => {
  window.__frames = 0;
  const raf = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (f) => raf((t) => { window.__frames++; f(t); });
};

async function newPage(width = 1280, height = 900) {
  const page = await browser.newPage({ viewport: { width, height } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.errors = errors;
  return page;
}

// What an instance's root (.page in its shadow root) says.
const look = (page, id) => page.evaluate((id) => {
  const root = document.getElementById(id)?.shadowRoot?.querySelector('.page');
  if (!root) return null;
  const roles = [...root.querySelectorAll('[data-node-id]')].map((m) => m.getAttribute('data-role'));
  return {
    ms: Number(root.getAttribute('data-virtual-ms')),
    hash: root.getAttribute('data-trace-hash'),
    lang: root.getAttribute('lang'),
    members: roles.length,
    leaders: roles.filter((r) => r === 'leader').length,
  };
}, id);

const waitFor = (page, fn, arg, what, timeout = 20000) =>
  page.waitForFunction(fn, arg, { timeout }).catch((e) => {
    throw new Error(`${what}: ${e.message.split('\n')[0]}`);
  });

const waitLeader = (page, id) => waitFor(page, (id) => {
  const root = document.getElementById(id)?.shadowRoot?.querySelector('.page');
  return root && root.querySelector('[data-role="leader"]') !== null;
}, id, `${id} elects a leader`);

async function shoot(page, name) {
  await page.screenshot({ path: `${OUT}/embed-${name}.png`, fullPage: true });
}

try {
  // 1. The full page served under /raft/ loads its assets from /raft/ and
  // elects a leader (it used to stay on "Loading…").
  {
    const page = await newPage();
    const asked = [];
    page.on('request', (r) => asked.push(new URL(r.url()).pathname));
    await page.goto(`${origin}/raft/?seed=5&members=3&speed=4`);
    await waitFor(page, () => document.querySelector('.page [data-role="leader"]') !== null, null,
      'the page under /raft/ elects a leader');
    const outside = asked.filter((p) => !p.startsWith('/raft/'));
    if (outside.length) throw new Error(`requests outside /raft/: ${outside.join(', ')}`);
    if (page.errors.length) throw new Error(`page errors under /raft/:\n${page.errors.join('\n')}`);
    // The link to the article stays under the sub-path (and out of the
    // sticky header).
    const article = await page.evaluate(() => {
      const a = document.querySelector('.page .article-link');
      return a && { href: a.href, inHeader: a.closest('.top') !== null };
    });
    if (!article || article.inHeader || !article.href.startsWith(`${origin}/raft/docs/index.html`)) {
      throw new Error(`the article link: ${JSON.stringify(article)}`);
    }
    step(`/raft/ loads (${asked.length} requests, all under /raft/) and elects n${(await page.textContent('#leader')).trim()}`);
    await page.close();
  }

  // 2. A documentation page with four instances and the script included
  // twice.
  const page = await newPage();
  await page.addInitScript(countFrames);
  const wasmFetches = [];
  page.on('request', (r) => { if (r.url().endsWith('.wasm')) wasmFetches.push(r.url()); });
  await page.goto(`${origin}/doc/doc.html`);
  for (const id of ['a', 'b']) await waitLeader(page, id);
  const [a, b, c] = [await look(page, 'a'), await look(page, 'b'), await look(page, 'c')];
  step(`the two instances on screen elect: a ${JSON.stringify(a)}, b ${JSON.stringify(b)}`);
  if (a.members !== 3 || b.members !== 5 || c?.members !== 5) {
    throw new Error(`an instance has the wrong number of members: ${JSON.stringify([a, b, c])}`);
  }
  if (wasmFetches.length !== 1) throw new Error(`the wasm was fetched ${wasmFetches.length} times: ${wasmFetches}`);
  if (page.errors.length) throw new Error(`page errors with the script included twice:\n${page.errors.join('\n')}`);
  step('the script included twice: one wasm fetch, no errors');

  // Two seeds, two runs: different traces, and pausing one leaves the
  // other running.
  if (!a.hash || !b.hash) throw new Error(`an instance root lacks data-trace-hash: ${JSON.stringify([a, b])}`);
  if (a.hash === b.hash) throw new Error('two seeds gave the same trace hash');
  await page.evaluate(() => document.getElementById('a').handle.pause());
  const aPaused = (await look(page, 'a')).ms;
  const bBefore = (await look(page, 'b')).ms;
  await waitFor(page, (ms) => {
    const root = document.getElementById('b').shadowRoot.querySelector('.page');
    return Number(root.getAttribute('data-virtual-ms')) > ms + 500;
  }, bBefore, 'b runs while a is paused');
  if ((await look(page, 'a')).ms !== aPaused) throw new Error('a paused by its handle still advanced');
  step('a paused by hand stays put while b runs on');

  // 3. Off screen: "far" (and c, below the first screen) have not
  // started; scrolled in, far runs and elects.
  const far = await look(page, 'far');
  if (c.ms !== 0) throw new Error(`c, below the first screen, advanced to ${c.ms} ms`);
  await page.waitForTimeout(1000);
  const farLater = await look(page, 'far');
  if (!far || far.ms !== 0 || farLater.ms !== 0) {
    throw new Error(`the instance off screen advanced: ${JSON.stringify([far, farLater])}`);
  }
  await page.locator('#far').scrollIntoViewIfNeeded();
  await waitLeader(page, 'far');
  step(`far stayed at 0 ms off screen; scrolled in, it elects (${(await look(page, 'far')).ms} ms)`);
  // Scrolled out again it stops; a paused by hand stays paused when it
  // comes back into view.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(300);
  const farOut = (await look(page, 'far')).ms;
  await page.waitForTimeout(800);
  if ((await look(page, 'far')).ms !== farOut) throw new Error('far kept running after it left the screen');
  if ((await look(page, 'a')).ms !== aPaused) throw new Error('a, paused by hand, was resumed by scrolling');
  step('scrolled out, far stops; a (paused by hand) stays paused');
  // paused="on" is the page's own pause: on screen, it stays at 0 ms.
  await page.locator('#held').scrollIntoViewIfNeeded();
  await page.waitForTimeout(800);
  const held = await look(page, 'held');
  if (held?.ms !== 0) throw new Error(`paused="on" ran on screen: ${JSON.stringify(held)}`);
  step('paused="on" stays at 0 ms on screen');
  await page.evaluate(() => window.scrollTo(0, 0));
  // A hidden tab pauses b (on screen, running); shown again, it resumes.
  const tab = (hidden) => page.evaluate((hidden) => {
    Object.defineProperty(document, 'hidden', { value: hidden, configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
  await tab(true);
  const bHidden = (await look(page, 'b')).ms;
  await page.waitForTimeout(600);
  if ((await look(page, 'b')).ms !== bHidden) throw new Error('b ran on in a hidden tab');
  await tab(false);
  await waitFor(page, (ms) => {
    const root = document.getElementById('b').shadowRoot.querySelector('.page');
    return Number(root.getAttribute('data-virtual-ms')) > ms;
  }, bHidden, 'b resumes when the tab is shown again');
  step('a hidden tab pauses b; shown again, it resumes');

  // 4. Attribute changes: the language in place, the members anew.
  await page.evaluate(() => document.getElementById('c').setAttribute('lang', 'zh'));
  await waitFor(page, () => document.getElementById('c').shadowRoot.querySelector('.page').getAttribute('lang') === 'zh',
    null, 'lang="zh" takes effect');
  await page.evaluate(() => document.getElementById('c').setAttribute('members', '3'));
  await waitFor(page, () => document.getElementById('c').shadowRoot.querySelectorAll('.page [data-node-id]').length === 3,
    null, 'members="3" takes effect');
  step('c: lang="zh" and members="3" take effect');
  await shoot(page, 'doc-1280');

  // 5. A shared run reproduces its trace hash on the full page.
  await part('share', async () => {
    await page.evaluate(() => document.getElementById('b').handle.act('crash n1'));
    await page.waitForTimeout(500);
    await page.evaluate(() => document.getElementById('b').handle.pause());
    const shared = await page.evaluate(() => {
      const el = document.getElementById('b');
      return { query: el.handle.share(), hash: el.shadowRoot.querySelector('.page').getAttribute('data-trace-hash') };
    });
    const full = await newPage();
    const query = shared.query.replace(/^[^?]*/, '');
    await full.goto(`${origin}/raft/${query}${query.includes('paused=') ? '' : '&paused=on'}`);
    await waitFor(full, (h) => document.querySelector('.page')?.getAttribute('data-trace-hash') === h,
      shared.hash, `the shared URL ${query} reproduces trace hash ${shared.hash}`);
    step(`b's shared run (${query.length} chars) reproduces ${shared.hash} on the full page`);
    await full.close();
  });

  // 6. Removing an element stops its loop: with every other instance
  // paused, no animation frame runs once it is gone.
  await page.evaluate(() => {
    for (const id of ['a', 'b', 'far', 'held']) document.getElementById(id).handle.pause();
    document.getElementById('c').handle.play();
  });
  const frames = () => page.evaluate(() => window.__frames);
  let f0 = await frames();
  await page.waitForTimeout(500);
  const running = (await frames()) - f0;
  if (running < 5) throw new Error(`c's loop ran only ${running} frames in 500 ms`);
  await page.evaluate(() => { window.__c = document.getElementById('c'); window.__c.remove(); });
  await page.waitForTimeout(200);
  f0 = await frames();
  await page.waitForTimeout(600);
  const after = (await frames()) - f0;
  if (after > 0) throw new Error(`${after} animation frames ran after the element was removed`);
  // Put back, it mounts afresh and runs when on screen.
  await page.evaluate(() => document.body.append(window.__c));
  await page.locator('#c').scrollIntoViewIfNeeded();
  await waitLeader(page, 'c');
  await shoot(page, 'doc-1280-end');
  step(`c ran ${running} frames in 500 ms; removed, none in 600 ms; put back, it runs again`);
  if (page.errors.length) throw new Error(`page errors:\n${page.errors.join('\n')}`);
  await page.close();

  // 7. The same from code: mount(element, options) and its handle.
  await part('mount()', async () => {
    const page = await newPage();
    await page.goto(`${origin}/doc/doc.html`);
    const got = await page.evaluate(async () => {
      const { mount } = await import('../raft/raft-playground.js');
      const div = document.createElement('div');
      document.body.prepend(div);
      const handle = await mount(div, { seed: 5, members: 3, view: 'cluster', paused: true });
      handle.act('crash n2');
      let error = '';
      try { handle.act('crash n9 extra'); } catch (e) { error = String(e.message ?? e); }
      let notElement = '';
      try { await mount('nope'); } catch (e) { notElement = String(e.message ?? e); }
      const state = handle.state();
      handle.destroy();
      // Yew empties the root in a later task; give it up to 2 s.
      const drawn = () => div.shadowRoot.querySelectorAll('[data-node-id]').length;
      for (let i = 0; i < 40 && drawn() > 0; i++) await new Promise((r) => setTimeout(r, 50));
      return { state, error, notElement, left: drawn() };
    });
    const n2 = got.state.members.find((m) => m.id === 2);
    if (n2?.role !== 'down') throw new Error(`act('crash n2') left n2 ${JSON.stringify(n2)}`);
    if (!got.error) throw new Error('a bad act() line did not throw');
    if (!got.notElement) throw new Error('mount() on a string did not throw');
    if (got.left !== 0) throw new Error(`destroy() left ${got.left} members drawn`);
    step(`mount(): act('crash n2') -> n2 down; a bad line throws (${got.error.slice(0, 60)}); destroy() empties it`);
    await page.close();
  });

  // 8. From 320 px: no sideways scrolling.
  {
    const narrow = await newPage(320, 700);
    await narrow.goto(`${origin}/doc/doc.html`);
    await waitLeader(narrow, 'b');
    const wide = await narrow.evaluate(() => document.documentElement.scrollWidth);
    await shoot(narrow, 'doc-320');
    if (wide > 320) throw new Error(`at 320 px the page is ${wide} px wide`);
    step('at 320 px: no sideways scrolling');
    await narrow.close();
  }

  // 9. The iframe embed on another origin's page.
  {
    const host = await newPage();
    const src = `${origin}/raft/embed.html?seed=9&members=5&lang=zh&controls=crash,partition`;
    await host.goto(`${otherOrigin}/host.html#${encodeURIComponent(src)}`);
    const frame = host.frameLocator('#frame');
    await frame.locator('.page [data-role="leader"]').first().waitFor({ timeout: 20000 });
    const lang = await frame.locator('.page').getAttribute('lang');
    if (lang !== 'zh') throw new Error(`the frame's lang is ${lang}`);
    const open = frame.locator('.open-full a');
    const href = await open.getAttribute('href', { timeout: 5000 });
    if (!href.startsWith(`${origin}/raft/`) || !href.includes('seed=9') || !href.includes('run=')) {
      throw new Error(`"open in the full playground" leads to ${href}`);
    }
    if (host.errors.length) throw new Error(`errors in the host page:\n${host.errors.join('\n')}`);
    step(`the iframe on ${otherOrigin} runs (zh) and links to the full playground with its run: ${href.replace(origin, '')}`);
    await shoot(host, 'iframe');
    await host.close();
  }
  if (!failed) console.log('e2e embed: ok');
} catch (e) {
  failed = true;
  console.error(`e2e embed FAILED: ${e.message}`);
} finally {
  await browser.close();
  site.close();
  other.close();
}
process.exit(failed ? 1 : 0);
