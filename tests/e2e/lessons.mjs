// End-to-end: guided lessons in the release build, gone through as a
// learner goes through them, by clicking: the "elections" lesson in English
// (with Back), the same lesson in Chinese (`?lang=zh`), "two-leaders" and
// "replication" through the client panel, a link and the partition panel.
// Writes
// screenshots of the page with a lesson open, in English, in Chinese and at
// 360 px, to test-output/e2e/.
//
//   node tests/e2e/lessons.mjs [dist-dir]
//
// Every wait is on what the page shows (the contract's data attributes),
// with a deadline, never a fixed sleep.
import { openRelease } from './serve.mjs';

const { server, base, browser, shoot, out } = await openRelease(process.argv[2] ?? 'dist');
let failed = false;
const step = (s) => console.log(`e2e lessons: ${s}`);

// The page in a language: the words a learner clicks on.
// The lesson panel's words are ours; the rest of the page's follow its
// tables (English where they are not translated yet).
const WORDS = {
  en: { next: 'Next', back: 'Back', crash: 'Crash', restart: 'Restart', send: 'Send',
    healBoth: 'Heal both ways', healAll: 'Heal all', play: 'Play' },
  zh: { next: '下一步', back: '上一步', crash: /^(Crash|崩溃)$/, restart: /^(Restart|重启)$/,
    send: /^(Send|发送)$/, healBoth: /^(Heal both ways|双向恢复)$/, healAll: /^(Heal all|全部恢复)$/,
    play: /^(Play|运行)$/ },
};
const button = (name) => (typeof name === 'string' ? { name, exact: true } : { name });

const open = async (page, query) => {
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${base}?${query}`);
  await page.waitForSelector('[data-node-id]', { timeout: 20000 });
  return errors;
};
const panel = '.lesson';
const leader = async (page) => (await page.textContent('#leader')).trim();
// Clicks a button of a part of the page by its words.
const press = (page, scope, name) => page.locator(scope).getByRole('button', button(name)).click();

// What a learner does for each task, by lesson and step: clicks on the
// drawing, the member and link cards, the client and partition panels.
const ids = (text) => [...text.matchAll(/n(\d+)/g)].map((m) => m[1]);
const crash = async (page, w, task) => {
  // "Crash the leader n4", "让领导者 n4 崩溃", "Crash n2": the member named.
  const [id] = ids(task).length ? ids(task) : [await leader(page)];
  await page.click(`[data-node-id="${id}"]`);
  await press(page, '.inspector', w.crash);
  return `crashed n${id}`;
};
const restart = async (page, w, task) => {
  const named = ids(task);
  for (const id of named) {
    await page.click(`[data-node-id="${id}"]`);
    await press(page, '.inspector', w.restart);
    await page.waitForSelector(`[data-node-id="${id}"]:not([data-role="down"])`, { timeout: 5000 });
  }
  return `restarted ${named.map((d) => 'n' + d).join(' and ')}`;
};
// A request as a learner types it into the client panel.
let lastKey = '';
const request = async (page, w, { op, key, value, mode, node }) => {
  lastKey = key;
  await page.selectOption('.request select >> nth=0', op);
  await page.fill('.request .grow input >> nth=0', key);
  if (value !== undefined) await page.fill('.request .grow input >> nth=1', value);
  if (mode) await page.selectOption('.request select:has(option[value="serializable"])', mode);
  await page.selectOption('.request select >> nth=-1', node);
  await press(page, '.request', w.send);
  return `${op} ${key}${value ? '=' + value : ''}${mode ? ' [' + mode + ']' : ''} to n${node}`;
};
// What a task asks (in its words, either language) and what the learner
// does about it: clicks on the drawing, the member and link cards, the
// client and partition panels.
const TASKS = [
  [/Crash|崩溃/, crash],
  [/Restart|重启/, restart],
  [/^Write the key (\S+) with the value (\S+), sent to the leader n(\d+)/, (page, w, task, m) =>
    request(page, w, { op: 'put', key: m[1], value: m[2].replace(/,$/, ''), node: m[3] })],
  [/^Read (\S+) from n(\d+) with read mode (\w+)/, (page, w, task, m) =>
    request(page, w, { op: 'get', key: m[1], node: m[2], mode: m[3] })],
  [/^Read the same key from n(\d+) with read mode (\w+)/, (page, w, task, m) =>
    request(page, w, { op: 'get', key: lastKey, node: m[1], mode: m[2] })],
  [/put (\S+) with any value, sent to n(\d+)/, (page, w, task, m) =>
    request(page, w, { op: 'put', key: m[1], value: 'v9', node: m[2] })],
  [/^Repair the link between n(\d+) and n(\d+)/, async (page, w, task, m) => {
    const [a, b] = [Number(m[1]), Number(m[2])].sort((x, y) => x - y);
    await page.click(`[data-link="${a}-${b}"]`);
    await press(page, '.inspector', w.healBoth);
    return `repaired n${a}–n${b}`;
  }],
  [/^Heal the network/, async (page, w) => {
    await press(page, '.partition', w.healAll);
    return 'healed all';
  }],
];

// Goes through a lesson to its end as a learner: reads each step, does
// its task when asked, presses Play when the page paused itself on the
// step's moment, and Next when the step is done. Returns what it saw.
async function goThrough(page, lang, id, { log = [], shot } = {}) {
  const w = WORDS[lang];
  const done = new Set();
  await page.waitForSelector(`${panel}[data-lesson-open="${id}"]`);
  for (let guard = 0; guard < 100; guard++) {
    const handle = await page.waitForFunction((done) => {
      const p = document.querySelector('.lesson');
      const [s, k] = [p.dataset.lessonState, p.dataset.lessonStep];
      const paused = document.getElementById('pause-reason');
      const todo = (s === 'task' && !done.includes(k)) || ['step-done', 'lesson-done', 'failed'].includes(s);
      return (todo || (paused && s === 'running')) &&
        { s, k, paused: paused ? paused.textContent.trim() : null };
    }, [...done], { timeout: 60000, polling: 100 });
    const { s, k, paused } = await handle.jsonValue();
    if (paused && !log.some((l) => l.includes(paused))) log.push(`step ${k}: paused: ${paused}`);
    if (s === 'failed') throw new Error(`${id} failed: ${await page.textContent('.lesson-state')}`);
    if (s === 'lesson-done') return log;
    if (s === 'step-done') {
      await press(page, panel, w.next);
      await page.waitForSelector(`${panel}[data-lesson-step="${Number(k) + 1}"]`);
    } else if (s === 'task') {
      const task = (await page.textContent(`${panel} .task p`)).trim()
        .replace(/^(Your task: |你的任务：)/, '');
      const found = TASKS.find(([asks]) => asks.test(task));
      // The page with a lesson open, as the learner sees a task.
      if (shot && done.size === 0) await shoot(page, shot);
      if (!found) throw new Error(`${id} step ${k}: no learner for the task "${task}"`);
      const [asks, perform] = found;
      log.push(`step ${k}: ${await perform(page, w, task, task.match(asks))}`);
      await page.waitForSelector(`${panel} [data-task-done="true"]`, { timeout: 10000 });
      done.add(k);
    } else {
      await page.getByRole('button', button(w.play)).click();
    }
  }
  throw new Error(`${id}: no end after 100 moves`);
}

// In "elections", the page pauses on the first election; Back from step 2
// replays to step 1's start, and the same member is elected again (the
// simulation is deterministic).
async function electionsBack(page, lang) {
  const w = WORDS[lang];
  await page.waitForSelector(`${panel}[data-lesson-step="1"][data-lesson-state="step-done"]`, { timeout: 30000 });
  const first = await leader(page);
  await press(page, panel, w.next);
  await page.waitForSelector(`${panel}[data-lesson-step="2"]`);
  const text = await page.textContent(`${panel} .say`);
  if (!text.includes(`n${first}`)) throw new Error(`step 2 does not name the leader n${first}: ${text}`);
  await press(page, panel, w.back);
  await page.waitForSelector(`${panel}[data-lesson-step="1"][data-lesson-state="step-done"]`, { timeout: 30000 });
  const again = await leader(page);
  if (again !== first) throw new Error(`after Back, n${again} was elected, not n${first} as the first time`);
  step(`${lang}: Back replayed step 1: n${again} elected again`);
}

try {
  // "elections" in English: Back, then the whole lesson; a screenshot
  // with the lesson open at the learner's first task.
  const en = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const enErrors = await open(en, 'lesson=elections&speed=4');
  await electionsBack(en, 'en');
  (await goThrough(en, 'en', 'elections', { shot: 'lesson-en' })).forEach((l) => step(`en elections: ${l}`));

  // The same lesson in Chinese, from the URL.
  const zh = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const zhErrors = await open(zh, 'lesson=elections&lang=zh&speed=4');
  if ((await zh.getAttribute('.page', 'lang')) !== 'zh') throw new Error('the page is not in Chinese');
  const title = (await zh.textContent(`${panel} h2`)).trim();
  if (!/[\u4e00-\u9fff]/.test(title)) throw new Error(`the lesson title is not Chinese: ${title}`);
  (await goThrough(zh, 'zh', 'elections', { shot: 'lesson-zh' })).forEach((l) => step(`zh elections: ${l}`));

  // "two-leaders": the page pauses on two leaders at once; reads and a
  // write through the client panel; "heal all". Then "replication" (a
  // link card), once it is in the list.
  const two = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const repErrors = await open(two, 'lesson=two-leaders&speed=4');
  const twoLog = await goThrough(two, 'en', 'two-leaders');
  twoLog.forEach((l) => step(`en two-leaders: ${l}`));
  if (!twoLog.some((l) => l.includes('while'))) throw new Error('two-leaders did not pause on two leaders');
  if (await two.$('[data-lesson="replication"]')) {
    await two.click('.all-lessons summary');
    await two.click('[data-lesson="replication"]');
    (await goThrough(two, 'en', 'replication')).forEach((l) => step(`en replication: ${l}`));
  }

  // The lesson list, and a bad id: a notice, and the page still works.
  const list = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const listErrors = await open(list, 'lesson=nonsense&members=3');
  const notice = await list.textContent('.notice');
  if (!notice.includes('nonsense')) throw new Error(`no notice for a bad lesson id: ${notice}`);
  await list.click('[data-lesson="elections"]');
  await list.waitForSelector(`${panel}[data-lesson-open="elections"][data-lesson-step="1"]`);
  step('a bad ?lesson= is named in a notice; the list opens a lesson');

  // A phone, in Chinese, dark: the lesson panel must fit 360 px.
  const phone = await browser.newPage({ viewport: { width: 360, height: 780 }, colorScheme: 'dark', reducedMotion: 'reduce' });
  const phoneErrors = await open(phone, 'lesson=elections&lang=zh&speed=4');
  await phone.waitForSelector(`${panel}[data-lesson-step="1"][data-lesson-state="step-done"]`, { timeout: 30000 });
  await press(phone, panel, WORDS.zh.next);
  await phone.waitForSelector(`${panel}[data-lesson-step="2"]`);
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await shoot(phone, 'lesson-phone-zh');
  await phone.locator(panel).screenshot({ path: `${out}/lesson-phone-zh-panel.png` });
  if (overflow > 1) throw new Error(`the page is ${overflow}px wider than a 360px phone`);
  step('the lesson fits 360 px');

  const errors = [...enErrors, ...zhErrors, ...repErrors, ...listErrors, ...phoneErrors];
  if (errors.length) throw new Error('page errors:\n' + errors.join('\n'));
} catch (e) {
  failed = true;
  console.error('e2e lessons FAILED:', e.stack ?? e.message);
} finally {
  await browser.close();
  server.close();
}
process.exit(failed ? 1 : 0);
