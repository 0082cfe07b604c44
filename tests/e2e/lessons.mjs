// End-to-end: guided lessons in the release build, gone through as a
// learner goes through them, by clicking: the "elections" lesson in English
// (with Back), the same lesson in Chinese (`?lang=zh`), and "replication"
// through the client panel, a link and the partition panel. Writes
// screenshots of the page with a lesson open, in English, in Chinese and at
// 360 px, to test-output/e2e/.
//
//   node tests/e2e/lessons.mjs [dist-dir]
//
// Every wait is on what the page shows (the contract's data attributes),
// with a deadline, never a fixed sleep.
import { chromium } from 'playwright-core';
import { mkdir } from 'node:fs/promises';
import { serve, CHROMIUM, CHROMIUM_ARGS } from './serve.mjs';

const dist = process.argv[2] ?? 'dist';
const out = 'test-output/e2e';
await mkdir(out, { recursive: true });

const server = await serve(dist);
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
let failed = false;
const step = (s) => console.log(`e2e lessons: ${s}`);
const shoot = async (page, name) => {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${out}/${name}.png`, fullPage: true });
};

// The page in a language: the words a learner clicks on.
const WORDS = {
  en: { next: 'Next', back: 'Back', crash: 'Crash', send: 'Send', heal: 'Heal both ways', healAll: 'Heal all' },
  zh: { next: '下一步', back: '上一步', crash: '崩溃', send: '发送', heal: '双向修复', healAll: '全部修复' },
};

const open = async (page, query) => {
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${base}?${query}`);
  await page.waitForSelector('[data-node-id]', { timeout: 20000 });
  return errors;
};
const panel = '.lesson';
const lessonAt = (page, stepNo, state, timeout = 30000) =>
  page.waitForSelector(`${panel}[data-lesson-step="${stepNo}"][data-lesson-state="${state}"]`, { timeout });
const leader = async (page) => (await page.textContent('#leader')).trim();
const say = (page) => page.textContent(`${panel} .say`);
// Clicks a button of the lesson panel or the inspector by its words.
const press = (page, scope, name) => page.locator(scope).getByRole('button', { name, exact: true }).click();

// The "elections" lesson: the page pauses on the election, the learner
// crashes the leader, a new one is elected. Back replays to step 1's start
// and the same member is elected again (the simulation is deterministic).
async function elections(page, lang) {
  const w = WORDS[lang];
  await page.waitForSelector(`${panel}[data-lesson-open="elections"]`);
  // Step 1 pauses the clock on the new leader and says so.
  await page.waitForSelector('#pause-reason[data-paused-on="leader-change"]', { timeout: 30000 });
  await lessonAt(page, 1, 'step-done');
  const old = await leader(page);
  step(`${lang}: paused on "${(await page.textContent('#pause-reason')).trim()}"`);
  await press(page, panel, w.next);
  await lessonAt(page, 2, 'task');
  const text = await say(page);
  if (!text.includes(`n${old}`)) throw new Error(`step 2 does not name the leader n${old}: ${text}`);
  await shoot(page, `lesson-${lang}`);
  // The learner crashes the leader from its card.
  await page.click(`[data-node-id="${old}"]`);
  await press(page, '.inspector', w.crash);
  await page.waitForSelector(`${panel} [data-task-done="true"]`, { timeout: 5000 });
  await lessonAt(page, 2, 'lesson-done');
  const next = await leader(page);
  if (next === '' || next === old) throw new Error(`no new leader after crashing n${old}: "${next}"`);
  step(`${lang}: crashed n${old}; n${next} leads; lesson done`);
  // Back to the start of step 1: the same election happens again.
  await press(page, panel, w.back);
  await lessonAt(page, 1, 'step-done');
  const again = await leader(page);
  if (again !== old) throw new Error(`after Back, n${again} was elected, not n${old} as the first time`);
  step(`${lang}: Back replayed step 1: n${again} elected again`);
}

// The "replication" lesson: a write through the client panel, a repaired
// link, then "heal all".
async function replication(page) {
  const w = WORDS.en;
  await page.waitForSelector(`${panel}[data-lesson-open="replication"]`);
  await lessonAt(page, 1, 'task');
  const l = await leader(page);
  // Write /registry/pods/default/web = v1 to the leader.
  await page.selectOption('.request select >> nth=-1', l);
  await page.fill('.request .grow input >> nth=0', '/registry/pods/default/web');
  await page.fill('.request .grow input >> nth=1', 'v1');
  await press(page, '.request', w.send);
  // The step pauses on the commit; the task is done.
  await page.waitForSelector('#pause-reason[data-paused-on="commit"]', { timeout: 10000 });
  await page.waitForSelector(`${panel} [data-task-done="true"]`, { timeout: 5000 });
  step(`replication: the write to n${l} committed: "${(await page.textContent('#pause-reason')).trim()}"`);
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await lessonAt(page, 1, 'step-done');
  await press(page, panel, w.next);
  // Step 2 cuts three followers off and waits for the write to fail.
  await lessonAt(page, 2, 'step-done', 60000);
  await press(page, panel, w.next);
  await lessonAt(page, 3, 'task');
  // Repair the link between the leader and $f2, named in the narration.
  const f2 = (await say(page)).match(/between the leader n(\d+) and n(\d+)/);
  if (!f2 || f2[1] !== l) throw new Error(`step 3 does not name the link: ${await say(page)}`);
  const link = `[data-link="${Math.min(l, f2[2])}-${Math.max(l, f2[2])}"]`;
  await page.click(link);
  await press(page, '.inspector', w.heal);
  await page.waitForSelector(`${panel} [data-task-done="true"]`, { timeout: 10000 });
  step(`replication: repaired n${l}–n${f2[2]}; the entry committed`);
  if (!(await page.$('#pause-reason'))) {
    await lessonAt(page, 3, 'step-done');
  } else {
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    await lessonAt(page, 3, 'step-done');
  }
  await press(page, panel, w.next);
  await lessonAt(page, 4, 'task');
  await press(page, '.partition', w.healAll);
  await lessonAt(page, 4, 'lesson-done');
  step('replication: healed; every store converged; lesson done');
}

try {
  const en = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const enErrors = await open(en, 'lesson=elections&speed=2');
  await elections(en, 'en');

  const zh = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const zhErrors = await open(zh, 'lesson=elections&lang=zh&speed=2');
  if ((await zh.getAttribute('.page', 'lang')) !== 'zh') throw new Error('the page is not in Chinese');
  const title = (await zh.textContent(`${panel} h2`)).trim();
  if (!/[\u4e00-\u9fff]/.test(title)) throw new Error(`the lesson title is not Chinese: ${title}`);
  await elections(zh, 'zh');

  const rep = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const repErrors = await open(rep, 'lesson=replication&speed=3');
  await replication(rep);

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
  const phoneErrors = await open(phone, 'lesson=elections&lang=zh&speed=2');
  await lessonAt(phone, 1, 'step-done');
  await phone.locator(panel).getByRole('button', { name: WORDS.zh.next, exact: true }).click();
  await lessonAt(phone, 2, 'task');
  await phone.locator(panel).scrollIntoViewIfNeeded();
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await shoot(phone, 'lesson-phone-zh');
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
