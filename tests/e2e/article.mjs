// End-to-end: the article (docs/index.html) and the "Embed it in your docs"
// page (docs/embedding.html) of the release build, as a reader meets them:
//  - every <raft-playground> on the article renders members and elects a
//    leader once scrolled into view (autoplay="visible");
//  - two of them, with different seeds, elect independently, and each one's
//    virtual clock runs only while it is on screen;
//  - the article reacts to a playground's events: the cue "now crash the
//    leader nX" appears with the leader's name, and once that leader is
//    crashed, the cue naming its successor; the quorum playground's cues
//    come at the third crash and on a restart;
//  - the minority-leader paragraph holds when done with the playground's
//    own buttons (the leader steps down, the majority elects, healing
//    brings the minority back in step);
//  - the language switch changes the article's text, the address and every
//    playground's `lang` (and so the words inside it); ?lang=zh opens in
//    Chinese;
//  - the playground's header links to the article and the article back,
//    keeping the language;
//  - embedding.html's live example elects a leader; its plain-HTML snippet,
//    copied verbatim into a page of its own in another folder, renders a
//    working playground;
//  - nothing overflows at 360 px; screenshots of the article at 1280 and
//    360 px in English and Chinese go to test-output/e2e/.
//
//   node tests/e2e/article.mjs [dist-dir]
//
// Every wait is on what the page shows, with a deadline, never a fixed sleep
// (except the short windows in which a paused clock must NOT move).
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { openRelease, serve } from './serve.mjs';

const dist = process.argv[2] ?? 'dist';
const { server, base, browser, shoot, out } = await openRelease(dist);
let failed = false;
const step = (s) => console.log(`e2e article: ${s}`);
const fail = (s) => {
  console.error(`e2e article: FAIL ${s}`);
  failed = true;
};
const check = (ok, s) => (ok ? step(`ok: ${s}`) : fail(s));

// The playgrounds of the article, in page order.
const IDS = ['pg-election', 'pg-quorum', 'pg-four', 'pg-partition', 'pg-minority',
  'pg-two-leaders', 'pg-kubernetes'];
const CJK = /[\u3400-\u9fff]/;

// What one playground shows: its members, its leader (from the drawing), its
// virtual clock (the root's data-virtual-ms), its lang, any notice.
const info = (page, id) => page.evaluate((id) => {
  const el = document.getElementById(id);
  const root = el.shadowRoot;
  const clock = root?.querySelector('[data-virtual-ms]');
  const leader = root?.querySelector('[data-node-id][data-role="leader"]');
  return {
    members: root ? root.querySelectorAll('[data-node-id]').length : 0,
    leader: leader ? leader.getAttribute('data-node-id') : null,
    // The root's data-virtual-ms, or the handle's clock where the root
    // does not carry it.
    ms: clock ? Number(clock.getAttribute('data-virtual-ms')) : el.handle?.state().virtualMs ?? null,
    lang: el.getAttribute('lang'),
    notice: root?.querySelector('.notice')?.textContent ?? null,
    text: root ? root.textContent : '',
  };
}, id);

const until = async (what, deadlineMs, probe) => {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

// Puts a playground at the top of the viewport, so that it is on screen and
// the ones far above and below are not.
const scrollTo = (page, id) => page.evaluate((id) => {
  const el = document.getElementById(id);
  window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 60);
}, id);
const onScreen = (page, id) => page.evaluate((id) => {
  const r = document.getElementById(id).getBoundingClientRect();
  return r.bottom > 0 && r.top < window.innerHeight;
}, id);

const open = async (query, width = 1280) => {
  const page = await browser.newPage({ viewport: { width, height: 800 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  // Every leader change of every playground, as the page's own script hears
  // them (bubbling and composed, so on the document too).
  await page.addInitScript(() => {
    window.__leaderChanges = [];
    document.addEventListener('raft-leader-change', (e) => {
      window.__leaderChanges.push({ id: e.target.id, ...e.detail });
    });
  });
  await page.goto(`${base}docs/index.html${query}`);
  return { page, errors };
};

try {
  // ---------------------------------------------------------------- English
  const { page, errors } = await open('?lang=en');
  check((await page.textContent('h1')).includes('split-brain'), 'the article opens in English with ?lang=en');
  const count = await page.locator('raft-playground').count();
  check(count === IDS.length && count >= 5, `${count} playgrounds on the article`);

  // Every playground renders and elects a leader once on screen.
  for (const id of IDS) {
    await scrollTo(page, id);
    const seen = await until(`${id} to render and elect`, 25000, async () => {
      const i = await info(page, id);
      return i.members > 0 && i.leader ? i : null;
    });
    check(!seen.notice, `${id}: ${seen.members} members, leader n${seen.leader}` +
      (seen.notice ? `, but a notice: ${seen.notice}` : ''));
  }

  // Two seeds, two independent clusters: seed 7 (3 members) and seed 2 (5).
  const changes = await page.evaluate(() => window.__leaderChanges);
  const firstOf = (id) => changes.find((c) => c.id === id && c.leader != null);
  const [a, b] = [firstOf('pg-election'), firstOf('pg-quorum')];
  check(a && b, `first leader events: election ${JSON.stringify(a)}, quorum ${JSON.stringify(b)}`);
  if (a && b) {
    check(a.leader !== b.leader || a.virtualMs !== b.virtualMs,
      `different seeds elect differently (n${a.leader} at ${a.virtualMs} ms, n${b.leader} at ${b.virtualMs} ms)`);
  }
  // Each clock runs only while its playground is on screen.
  for (const [shown, hidden] of [['pg-election', 'pg-quorum'], ['pg-quorum', 'pg-election']]) {
    await scrollTo(page, shown);
    check(!(await onScreen(page, hidden)), `${hidden} is off screen while ${shown} is shown`);
    await page.waitForTimeout(300); // the observer's callback and one frame
    const [s0, h0] = [(await info(page, shown)).ms, (await info(page, hidden)).ms];
    await until(`${shown}'s clock to advance`, 5000, async () => (await info(page, shown)).ms > s0 + 200);
    const h1 = (await info(page, hidden)).ms;
    check(h1 === h0, `${hidden}'s clock stood still off screen (${h0} -> ${h1} ms) while ${shown}'s ran`);
  }

  // The page reacts to the first playground's events.
  await scrollTo(page, 'pg-election');
  const cue = await until('the "crash the leader" cue', 10000, () => page.evaluate(() => {
    const c = document.querySelector('#cue-crash.now');
    return c && getComputedStyle(c).display !== 'none' ? c.querySelector('.js-leader').textContent : null;
  }));
  const leader = (await info(page, 'pg-election')).leader;
  check(cue === `n${leader}`, `the cue names the leader: "${cue}" (drawing: n${leader})`);
  await page.evaluate((l) => document.getElementById('pg-election').handle.act(`crash n${l}`), leader);
  const next = await until('the "took over" cue', 15000, () => page.evaluate(() => {
    const c = document.querySelector('#cue-new-leader.now');
    return c ? c.querySelector('.js-leader').textContent : null;
  }));
  check(next !== `n${leader}` && !(await page.isVisible('#cue-crash')),
    `after crashing n${leader} the page says ${next} took over`);

  // The quorum playground: the page says when the quorum goes and comes
  // back (raft-quorum-lost / raft-quorum-regained), not before.
  await scrollTo(page, 'pg-quorum');
  const lit = (id) => page.evaluate((id) => document.getElementById(id).classList.contains('now'), id);
  const act = (line) => page.evaluate((line) => document.getElementById('pg-quorum').handle.act(line), line);
  await act('crash n1');
  await act('crash n2');
  await page.waitForTimeout(500);
  check(!(await lit('cue-quorum-lost')), 'two of five down: no "quorum lost" yet');
  await act('crash n3');
  await until('the "quorum lost" cue', 5000, () => lit('cue-quorum-lost'));
  await act('restart n3');
  await until('the "quorum regained" cue', 5000, () => lit('cue-quorum-back'));
  check(!(await lit('cue-quorum-lost')), 'the third crash lights "quorum lost"; a restart swaps it for "quorum regained"');

  // The minority-leader paragraph, done as its caption says, with the
  // playground's own buttons: n2 leads; "Minority with the leader" cuts n2
  // and n1 off; the three elect a new leader (the page names it) and n2
  // steps down; "Heal all"; n1 and n2 follow the new leader and catch up.
  // The playground may pause on the two-leader moment: Play goes on.
  await scrollTo(page, 'pg-minority');
  const minority = page.locator('#pg-minority');
  const press = (name) => minority.getByRole('button', { name, exact: true }).click();
  const state = () => page.evaluate(() => document.getElementById('pg-minority').handle.state());
  const role = (s, id) => s.members.find((m) => m.id === id)?.role;
  let pausedOnTwo = false;
  const goOn = async (s) => {
    if (!s.playing) {
      pausedOnTwo = pausedOnTwo || s.members.filter((m) => m.role === 'leader').length === 2;
      await press('Play');
    }
  };
  check((await state()).leader === 2, 'n2 leads the minority playground, as its caption says');
  await press('Minority with the leader');
  const stepped = await until('n2 to step down and the majority to elect', 20000, async () => {
    const s = await state();
    await goOn(s);
    return role(s, 2) !== 'leader' && s.leader && s.leader > 2 ? s : null;
  });
  const named = await until('the cue naming the new leader', 5000, () => page.evaluate(() => {
    const c = document.querySelector('#cue-minority-leader.now');
    return c ? c.querySelector('.js-leader').textContent : null;
  }));
  check(named === `n${stepped.leader}`,
    `the majority elected n${stepped.leader} in term ${stepped.term}, n2 stepped down (${role(stepped, 2)}), the page says ${named}` +
    (pausedOnTwo ? '; it paused on two leaders first' : ''));
  // Caught up: every member in the new leader's term, and at the same
  // commit, beyond what n1 and n2 had (the new term's first entry at least).
  const cutOff = Math.max(...(await state()).members.filter((m) => m.id <= 2).map((m) => m.commit));
  await press('Heal all');
  const healed = await until('n1 and n2 to catch up', 20000, async () => {
    const s = await state();
    await goOn(s);
    const commits = s.members.map((m) => m.commit);
    return s.leader === stepped.leader && s.members.every((m) => m.term === s.term) &&
      role(s, 1) === 'follower' && role(s, 2) === 'follower' &&
      Math.min(...commits) === Math.max(...commits) && commits[0] > cutOff ? s : null;
  });
  check(healed, `healed: n1 and n2 follow n${healed.leader} in term ${healed.term}, all at commit ${healed.members[0].commit} (they had ${cutOff})`);

  await page.setViewportSize({ width: 1280, height: 800 });
  await shoot(page, 'article-en-1280');

  // -------------------------------------------------------- the switch
  const before = await page.textContent('h1');
  await page.click('[data-set-lang="zh"]');
  const h1 = await page.evaluate(() => document.querySelector('h1').innerText);
  check(CJK.test(h1) && h1 !== before, `the switch changes the article's text: "${h1}"`);
  check(new URL(page.url()).searchParams.get('lang') === 'zh', `the address says lang=zh: ${page.url()}`);
  const langs = await page.evaluate(() => [...document.querySelectorAll('raft-playground')].map((e) => e.getAttribute('lang')));
  check(langs.every((l) => l === 'zh'), `every playground's lang is zh: ${langs.join(',')}`);
  await until('a playground to speak Chinese', 5000, async () => CJK.test((await info(page, 'pg-quorum')).text));
  step('ok: the playgrounds speak Chinese after the switch');
  const english = await page.evaluate(() => [...document.querySelectorAll('main p, main li, main h2')]
    .filter((e) => e.offsetParent !== null && !/[\u3400-\u9fff]/.test(e.innerText) && e.innerText.trim().length > 30)
    .map((e) => e.innerText.slice(0, 60)));
  check(english.length === 0, `no English paragraph left visible in Chinese${english.length ? ': ' + english.join(' | ') : ''}`);
  await page.click('[data-set-lang="en"]');
  const back = await page.evaluate(() => [...document.querySelectorAll('raft-playground')].map((e) => e.getAttribute('lang')));
  check(back.every((l) => l === 'en') && !CJK.test(await page.evaluate(() => document.querySelector('h1').innerText)),
    'and back to English');
  await page.setViewportSize({ width: 360, height: 800 });
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  check(wide <= 360, `nothing overflows at 360 px (scrollWidth ${wide})`);
  await shoot(page, 'article-en-360');
  check(errors.length === 0, `no page errors${errors.length ? ': ' + errors.join(' | ') : ''}`);
  await page.close();

  // -------------------------------------------------------- ?lang=zh
  const zh = await open('?lang=zh');
  check(CJK.test(await zh.page.evaluate(() => document.querySelector('h1').innerText)), '?lang=zh opens in Chinese');
  for (const id of ['pg-election', 'pg-quorum']) {
    await scrollTo(zh.page, id);
    const i = await until(`${id} in Chinese`, 25000, async () => {
      const i = await info(zh.page, id);
      return i.leader && CJK.test(i.text) ? i : null;
    });
    check(i.lang === 'zh', `${id} starts in Chinese (lang=${i.lang})`);
  }
  await shoot(zh.page, 'article-zh-1280');
  await zh.page.setViewportSize({ width: 360, height: 800 });
  const wideZh = await zh.page.evaluate(() => document.documentElement.scrollWidth);
  check(wideZh <= 360, `nothing overflows at 360 px in Chinese (scrollWidth ${wideZh})`);
  await shoot(zh.page, 'article-zh-360');
  check(zh.errors.length === 0, `no page errors in Chinese${zh.errors.length ? ': ' + zh.errors.join(' | ') : ''}`);
  await zh.page.close();

  // -------------------------------------------------------- the links
  // The playground's header leads to the article in the page's language,
  // and the article's first link leads back, keeping it.
  const nav = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await nav.goto(`${base}?lang=zh`);
  await nav.waitForSelector('[data-node-id]', { timeout: 20000 });
  await nav.click('a.article-link');
  await nav.waitForURL(/docs\/index\.html\?lang=zh/, { timeout: 10000 });
  check(CJK.test(await nav.evaluate(() => document.querySelector('h1').innerText)),
    `the header's link opens the article in Chinese: ${nav.url()}`);
  await nav.click('header.top nav a >> nth=0');
  await nav.waitForSelector('[data-node-id]', { timeout: 20000 });
  check(new URL(nav.url()).searchParams.get('lang') === 'zh' && !nav.url().includes('/docs/'),
    `the article's link back opens the playground, still in Chinese: ${nav.url()}`);
  await nav.close();

  // -------------------------------------------------------- the snippet
  // embedding.html's plain-HTML snippet, verbatim, in a page of its own in
  // another folder, with the build beside it as the snippet says.
  const emb = await browser.newPage();
  const embErrors = [];
  emb.on('pageerror', (e) => embErrors.push(String(e)));
  emb.on('console', (m) => { if (m.type() === 'error') embErrors.push(m.text()); });
  await emb.goto(`${base}docs/embedding.html?lang=en`);
  const snippet = await emb.textContent('#snippet-html');
  // The page's own live copy of the snippet works too.
  await emb.locator('#pg-demo').scrollIntoViewIfNeeded();
  await emb.waitForSelector('#pg-demo [data-role="leader"]', { timeout: 20000 });
  check(embErrors.length === 0, `embedding.html's live example elects a leader${embErrors.length ? '; errors: ' + embErrors.join(' | ') : ''}`);
  await emb.close();
  const site = resolve(out, 'snippet-site');
  await rm(site, { recursive: true, force: true });
  await mkdir(site, { recursive: true });
  await symlink(resolve(dist), resolve(site, 'raft-playground'), 'dir');
  await writeFile(resolve(site, 'index.html'),
    `<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>My docs</title></head>\n<body>\n<h1>My docs</h1>\n${snippet}\n</body>\n</html>\n`);
  const other = await serve(site);
  try {
    const page2 = await browser.newPage({ viewport: { width: 900, height: 800 } });
    const errs = [];
    page2.on('pageerror', (e) => errs.push(String(e)));
    await page2.goto(`http://127.0.0.1:${other.address().port}/index.html`);
    await page2.waitForSelector('raft-playground [data-node-id]', { timeout: 20000 });
    await page2.waitForSelector('raft-playground [data-role="leader"]', { timeout: 20000 });
    const n = await page2.locator('raft-playground [data-node-id]').count();
    check(n >= 5 && errs.length === 0,
      `the plain-HTML snippet, copied verbatim, renders ${n} members and a leader${errs.length ? '; errors: ' + errs.join(' | ') : ''}`);
    await page2.screenshot({ path: `${out}/article-snippet.png` });
    await page2.close();
  } finally {
    other.close();
  }
} catch (e) {
  fail(e.stack ?? String(e));
} finally {
  await browser.close();
  server.close();
}
if (failed) process.exit(1);
step('all passed');
