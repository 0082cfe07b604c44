// End-to-end: every word the page shows is in the language asked for.
//
//   node tests/e2e/lang.mjs [dist-dir]
//
// The release build in Debian's Chromium, once with ?lang=zh and once with
// ?lang=en. Each run opens what a learner opens (the settings, a member's
// card, a message's card, a link's card, the partition and client panels,
// a notice, a form error and an error from the cluster) and then reads
// every text node and every title, aria-label and placeholder of the
// playground. In Chinese, an English word outside a short list of terms
// Chinese writers keep (etcd, Raft, ReadIndex, Msg*, the keys the test
// typed…) fails the test; in English, a Chinese character does. Then it
// switches the language from the header and checks that the simulation
// runs on untouched (same cluster, clock still moving, requests kept).
// Screenshots in Chinese at 1280 and 360 px go to test-output/e2e/.
import { openRelease } from './serve.mjs';

const { server, base, browser, shoot } = await openRelease(process.argv[2] ?? 'dist');
let failed = false;
const step = (s) => console.log(`lang: ${s}`);

// Words allowed in the Chinese page: terms Chinese etcd and Raft writing
// keeps in English (often in parentheses after the Chinese), etcd's own
// request verbs (put /a = 1 is what etcdctl says), units, the language
// switch's own names, and what this test typed (keys, values, the bad URL
// setting's name). Kubernetes is a name (the lesson list has "Kubernetes
// 中的 etcd").
const KEPT = new Set([
  'etcd', 'Raft', 'Kubernetes', 'ReadIndex', 'PreVote', 'CheckQuorum', 'quorum', 'lease', 'read', 'watch', 'Enter',
  'Leader', 'Follower', 'Candidate', 'Pre-Candidate', 'Learner', 'serializable', 'commit', 'index',
  'probe', 'replicate', 'snapshot', 'tick', 'URL', 'ID', 'ms', 'English',
  'put', 'get', 'delete', 'range',
  'registry', 'pods', 'default', 'web', 'Running', 'stuck', 'loss',
  // etcdctl's commands and flags, named in the console's hint as typed.
  'etcdctl', 'del', 'member', 'list', 'endpoint', 'health', 'status', 'help', 'crash', 'heal',
  'prefix', 'json', 'nginx', 'running', 'txn', 'compaction', 'add', 'remove', 'promote',
  'move-leader', 'cancel',
  // The outside checkers and their file forms, named in the downloads panel.
  'Jepsen', 'JSON', 'Knossos', 'Elle', 'Porcupine', 'jsonl',
  // The deployment's files and tools, named in its panel.
  'TLS', 'systemd', 'docker-compose', 'yml', 'conf', 'static', 'etc', 'nK', 'etcd-K',
]);
const englishWords = (texts) => [...new Set(texts
  .flatMap((t) => t.match(/[A-Za-z][A-Za-z'’-]*[A-Za-z]/g) ?? []))]
  .filter((w) => !KEPT.has(w) && !/^Msg[A-Za-z]+$/.test(w));
const chinese = (texts) => [...new Set(texts.filter((t) => /[\u3400-\u9fff]/.test(t)))]
  .filter((t) => t.trim() !== '中文');

// Every text node and title/aria-label/placeholder in the playground,
// the event log's lines (the core's words for its events) included.
// Program text is not translated and is marked so (translate="no": what
// etcdctl prints in the console, generated configuration files).
const texts = (page) => page.evaluate(() => {
  const root = document.querySelector('.page');
  const found = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.data.trim() && !n.parentElement.closest('[translate="no"]')) found.push(n.data.trim());
  }
  for (const el of root.querySelectorAll('[title], [aria-label], [placeholder]')) {
    for (const a of ['title', 'aria-label', 'placeholder']) {
      const v = el.getAttribute(a);
      if (v && v.trim()) found.push(v.trim());
    }
  }
  return found;
});

// Opens everything and provokes a notice (a bad URL value) and errors:
// a form error (a key of spaces), a page error (applying a partition with
// one group) and a cluster refusal (compacting a log twice while paused).
async function tour(page, lang) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${base}?seed=11&members=5&speed=4&loss=200&lang=${lang}`);
  await page.waitForSelector(`.page[lang="${lang}"] [data-node-id]`, { timeout: 20000 });
  await page.waitForSelector('.notice');
  await page.waitForFunction(() => document.getElementById('leader').textContent.trim() !== '', null, { timeout: 30000 });
  const leader = (await page.textContent('#leader')).trim();

  await page.click('.settings summary');
  // A write and a serializable read, so the results table has rows.
  await page.click('.request button[type="submit"]');
  await page.waitForSelector('.results tr.ok', { timeout: 10000 });
  await page.selectOption('.request select >> nth=0', 'get');
  await page.selectOption('.request select >> nth=1', 'serializable');
  await page.click('.request button[type="submit"]');
  await page.waitForFunction(() => document.querySelectorAll('.results tr.ok').length >= 2, null, { timeout: 10000 });
  await page.click('.watch-form button');
  // A form error: a key of spaces.
  await page.selectOption('.request select >> nth=0', 'put');
  await page.fill('.request .grow input >> nth=0', '   ');
  await page.click('.request button[type="submit"]');
  await page.waitForSelector('.client .error');
  const collected = await texts(page);

  // The partition panel: a preset, so the sides and the stale note show.
  await page.click('.presets button >> nth=0');
  await page.waitForSelector(`.net-side[data-side="${leader}"]`, { timeout: 5000 });
  collected.push(...await texts(page));
  // A page error: apply a partition with everyone in one group.
  await page.click('.presets .heal');
  await page.click('.partition .apply');
  await page.waitForSelector('.partition .error');
  collected.push(...await texts(page));

  // Pause, then a member's card, a refusal from the cluster, a message's
  // card and a link's card.
  await page.waitForFunction(() => document.querySelectorAll('[data-role="leader"]').length === 1 &&
    document.getElementById('leader').textContent.trim() !== '', null, { timeout: 30000 });
  await page.click('.time .play');
  const now = (await page.textContent('#leader')).trim();
  await page.click(`[data-node-id="${now}"]`);
  await page.waitForSelector('.inspector .progress td');
  await page.click('.inspector .actions button >> nth=6');
  await page.click('.inspector .actions button >> nth=6');
  await page.waitForSelector('.inspector .error');
  collected.push(...await texts(page));
  for (let i = 0; i < 200 && !(await page.$('[data-msg-id]')); i++) {
    await page.click('.time button >> nth=1');
  }
  await page.dispatchEvent('[data-msg-id] >> nth=0', 'click');
  await page.waitForFunction(() => /^Msg/.test(document.querySelector('.inspector h3')?.textContent ?? ''));
  collected.push(...await texts(page));
  await page.dispatchEvent('[data-link] >> nth=0', 'click');
  await page.waitForSelector('.inspector .dirs');
  collected.push(...await texts(page));
  if (errors.length) throw new Error(`page errors in ${lang}:\n${errors.join('\n')}`);
  return collected;
}

try {
  // Chinese: no English word outside the kept terms.
  const zh = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  const zhTexts = await tour(zh, 'zh');
  const stray = englishWords(zhTexts);
  step(`zh: ${zhTexts.length} texts read`);
  if (stray.length) {
    const where = zhTexts.filter((t) => stray.some((w) => t.includes(w))).slice(0, 20);
    throw new Error(`English words in the Chinese page: ${stray.join(', ')}\n  in: ${where.join('\n  in: ')}`);
  }
  await zh.click('.time .play');
  await shoot(zh, 'zh-desktop');

  // English: no Chinese character (the switch's own 中文 aside).
  const en = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const enTexts = await tour(en, 'en');
  const cjk = chinese(enTexts);
  step(`en: ${enTexts.length} texts read`);
  if (cjk.length) throw new Error(`Chinese in the English page: ${cjk.join(' | ')}`);

  // Without ?lang=, the browser's language decides.
  const browserZh = await browser.newPage({ locale: 'zh-CN' });
  await browserZh.goto(`${base}?seed=11&members=3`);
  await browserZh.waitForSelector('.page[lang="zh"]', { timeout: 20000 });
  const browserFr = await browser.newPage({ locale: 'fr-FR' });
  await browserFr.goto(`${base}?seed=11&members=3`);
  await browserFr.waitForSelector('.page[lang="en"]', { timeout: 20000 });
  step('no ?lang=: zh-CN browser gets zh, fr-FR gets en');

  // Switching the language keeps the simulation as it is: the same
  // leader and term, the clock moving on, the requests still listed.
  await en.click('.time .play');
  const clock = async () => Number((await en.textContent('#virtual-time')).replace(/[^0-9.]/g, ''));
  const before = { t: await clock(), leader: (await en.textContent('#leader')).trim(),
    rows: await en.locator('.results tbody tr.ok').count() };
  await en.selectOption('.lang-pick', 'zh');
  await en.waitForSelector('.page[lang="zh"]');
  await en.waitForFunction((t) => Number(document.getElementById('virtual-time').textContent.replace(/[^0-9.]/g, '')) > t + 0.5, before.t, { timeout: 10000 });
  const after = { t: await clock(), leader: (await en.textContent('#leader')).trim(),
    rows: await en.locator('.results tbody tr.ok').count() };
  if (after.leader !== before.leader || after.rows !== before.rows || !(after.t > before.t)) {
    throw new Error(`switching the language disturbed the simulation: ${JSON.stringify({ before, after })}`);
  }
  step(`switch en -> zh at ${before.t} s: still n${after.leader}, ${after.rows} results, clock at ${after.t} s`);

  // A stale read is marked, whatever its mode: with CheckQuorum off, the
  // old leader cut off alone still answers a serializable read after the
  // majority committed a write it never saw.
  const stale = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await stale.goto(`${base}?seed=11&members=5&speed=4&check-quorum=off&lang=zh`);
  await stale.waitForFunction(() => document.getElementById('leader')?.textContent.trim() !== '', null, { timeout: 30000 });
  const old = (await stale.textContent('#leader')).trim();
  await stale.click('.presets button >> nth=0');
  await stale.waitForFunction((old) => {
    const t = document.getElementById('leader').textContent.trim();
    return t !== '' && t !== old;
  }, old, { timeout: 30000 });
  await stale.click('.request button[type="submit"]');
  await stale.waitForSelector('.results tr.ok', { timeout: 10000 });
  await stale.selectOption('.request select >> nth=0', 'get');
  await stale.selectOption('.request select >> nth=1', 'serializable');
  await stale.selectOption('.request select >> nth=2', old);
  await stale.click('.request button[type="submit"]');
  await stale.waitForSelector('.results tr.stale .stale-mark', { timeout: 10000 });
  const mark = await stale.textContent('.results tr.stale .stale-mark');
  if (!mark.startsWith('过期读')) throw new Error(`stale mark not in Chinese: ${mark}`);
  step(`a serializable read on the cut-off n${old}: ${mark}`);
  await shoot(stale, 'zh-stale-read');

  // A phone in Chinese: nothing wider than 360 px.
  const phone = await browser.newPage({ viewport: { width: 360, height: 780 }, locale: 'zh-CN' });
  await phone.goto(`${base}?seed=11&members=5&speed=4`);
  await phone.waitForSelector('.page[lang="zh"] [data-node-id]', { timeout: 20000 });
  await phone.waitForFunction(() => document.getElementById('leader').textContent.trim() !== '', null, { timeout: 30000 });
  await phone.click(`[data-node-id="${(await phone.textContent('#leader')).trim()}"]`);
  await phone.click('.request button[type="submit"]');
  await phone.waitForSelector('.results tr.ok', { timeout: 10000 });
  await phone.click('.presets button >> nth=0');
  const header = (await phone.locator('.top').boundingBox()).height;
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await shoot(phone, 'zh-phone');
  if (overflow > 1) throw new Error(`the Chinese page is ${overflow}px wider than a 360px phone`);
  if (header > 120) throw new Error(`the Chinese header is ${header}px tall at 360 px`);
  step(`zh phone fits 360 px (header ${header}px)`);
} catch (e) {
  failed = true;
  console.error('lang FAILED:', e.message);
} finally {
  await browser.close();
  server.close();
}
process.exit(failed ? 1 : 0);
