// End-to-end: the release build in Debian's Chromium, driven as a new user
// would drive it. Writes four screenshots to test-output/e2e/.
//
//   node tests/e2e/playground.mjs [dist-dir]
//
// Every wait is on what the page shows (the data attributes of the testing
// contract), with a deadline, never a fixed sleep.
import { readFile } from 'node:fs/promises';
import { openRelease, OUT } from './serve.mjs';

const { server, base, browser, shoot } = await openRelease(process.argv[2] ?? 'dist');
let failed = false;
const step = (s) => console.log(`e2e: ${s}`);
// Words in table cells that the layout split over two lines ("Runnin|g").
const brokenWords = (page) => page.evaluate(() => {
  const bad = [];
  for (const cell of document.querySelectorAll('td, th')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      for (const m of n.data.matchAll(/\S+/g)) {
        const r = document.createRange();
        r.setStart(n, m.index);
        r.setEnd(n, m.index + m[0].length);
        const tops = new Set([...r.getClientRects()].map((b) => Math.round(b.top)));
        if (tops.size > 1) bad.push(m[0]);
      }
    }
  }
  return bad;
});
// The settings panel comes before the drawing, on the first screen.
const settingsFirst = async (page, height) => {
  const settings = await page.locator('.settings summary').boundingBox();
  const stage = await page.locator('.stage').boundingBox();
  if (!(settings && stage && settings.y < stage.y && settings.y + settings.height <= height)) {
    throw new Error(`settings not at the top: ${JSON.stringify({ settings, stage })}`);
  }
};

try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });

  // A fixed seed so that the run is the same every time; 5 members; fast
  // enough that each wait is a few wall seconds.
  await page.goto(`${base}?seed=11&members=5&speed=4`);
  await page.waitForSelector('[data-node-id]', { timeout: 20000 });
  step('page loaded with ' + (await page.locator('[data-node-id]').count()) + ' members');
  await settingsFirst(page, 900);

  const leader = async () => (await page.textContent('#leader')).trim();
  const term = async (id) => Number(await page.getAttribute(`[data-node-id="${id}"]`, 'data-term'));
  const waitLeader = async (not, timeout = 30000) => {
    await page.waitForFunction(
      (not) => {
        const t = document.getElementById('leader').textContent.trim();
        return t !== '' && t !== not;
      },
      not,
      { timeout },
    );
    return leader();
  };

  // 1. A leader appears.
  const first = await waitLeader('');
  const firstTerm = await term(first);
  step(`leader n${first} in term ${firstTerm}`);
  if ((await page.getAttribute(`[data-node-id="${first}"]`, 'data-role')) !== 'leader') {
    throw new Error('the member named as leader is not drawn as leader');
  }
  await shoot(page, '1-leader');

  // 2. Crash the leader: a new leader with a higher term.
  await page.click(`[data-node-id="${first}"]`);
  await page.getByRole('button', { name: 'Crash', exact: true }).click();
  await page.waitForSelector(`[data-node-id="${first}"][data-role="down"]`, { timeout: 5000 });
  const second = await waitLeader(first);
  const secondTerm = await term(second);
  step(`after crashing n${first}: leader n${second} in term ${secondTerm}`);
  if (!(secondTerm > firstTerm)) throw new Error(`term did not grow: ${firstTerm} -> ${secondTerm}`);
  await shoot(page, '2-new-leader');

  // Bring the crashed member back so that five members take part again.
  await page.click(`[data-node-id="${first}"]`);
  await page.getByRole('button', { name: 'Restart', exact: true }).click();
  await page.waitForSelector(`[data-node-id="${first}"][data-role="follower"]`, { timeout: 10000 });

  // A write, so that there is something in the logs to converge on.
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await page.waitForSelector('.results tr.ok', { timeout: 10000 });

  // 3. Partition the leader alone: its side has no quorum, the other side
  // elects a new leader.
  const alone = await leader();
  await page.getByRole('button', { name: 'Leader alone', exact: true }).click();
  await page.waitForSelector(`.net-side[data-side="${alone}"][data-side-quorum="lost"]`, { timeout: 5000 });
  const third = await waitLeader(alone);
  const okSide = await page.getAttribute(`.net-side[data-side-quorum="ok"]`, 'data-side');
  step(`leader n${alone} alone (no quorum on its side); n${third} leads side [${okSide}]`);
  if (!okSide.split(',').includes(third)) throw new Error('new leader is not on the majority side');
  // A write to the isolated old member cannot commit.
  await page.selectOption('.request select >> nth=-1', alone);
  await page.fill('.request .grow input >> nth=0', '/registry/pods/default/stuck');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await page.waitForSelector('.results tr.pending', { timeout: 5000 });
  await shoot(page, '3-partitioned');

  // 4. Heal: every log converges (same commit and last index everywhere).
  await page.getByRole('button', { name: 'Heal all', exact: true }).click();
  await page.waitForFunction(
    () => {
      const rows = [...document.querySelectorAll('[data-log-node]')];
      const commits = new Set(rows.map((r) => r.dataset.commit));
      const lasts = new Set(rows.map((r) => r.dataset.last));
      return rows.length === 5 && commits.size === 1 && lasts.size === 1 &&
        document.querySelector('[data-quorum]').dataset.quorum === 'ok' &&
        document.querySelectorAll('[data-role="leader"]').length === 1;
    },
    null,
    { timeout: 30000 },
  );
  const commit = await page.getAttribute('[data-log-node]', 'data-commit');
  step(`healed: all five logs at commit ${commit}`);
  await shoot(page, '4-healed');

  // The leader's progress table and the results: no word split in a cell.
  await page.click(`[data-node-id="${await leader()}"]`);
  await page.waitForSelector('.progress td');
  let broken = await brokenWords(page);
  if (broken.length) throw new Error(`words split across lines: ${broken.join(', ')}`);
  step('no table cell splits a word at 1280 px');

  // The speed slider follows the arrow keys (each step used to snap back).
  const speed = () => page.textContent('.time .speed output');
  const before = await speed();
  await page.focus('.time input[type="range"]');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((b) => document.querySelector('.time .speed output').textContent !== b, before, { timeout: 2000 });
  const after = await speed();
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction((b) => document.querySelector('.time .speed output').textContent === b, before, { timeout: 2000 });
  step(`speed slider: ArrowRight ${before} -> ${after}, ArrowLeft back`);

  if (errors.length) throw new Error('page errors:\n' + errors.join('\n'));
  if (await page.$('#crash')) throw new Error('the crash overlay is showing');

  // The etcdctl console, as a learner types into it: a write, a prefix
  // read from etcd-3, then a stopped quorum (in Chinese, at 360 px).
  const typeLine = async (p, line) => {
    await p.fill('#console-in', line);
    await p.press('#console-in', 'Enter');
  };
  const outLines = (p) => p.locator('.console-out .cl.out').count();
  const con = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await con.goto(`${base}?seed=11&members=3&speed=8`);
  await con.waitForFunction(() => document.getElementById('leader').textContent.trim() !== '', null, { timeout: 30000 });
  await typeLine(con, 'put /registry/pods/default/nginx running');
  await con.waitForFunction(() => [...document.querySelectorAll('.console-out .cl.out')].some((l) => l.textContent === 'OK'), null, { timeout: 10000 });
  await typeLine(con, 'etcdctl get /registry/ --prefix --endpoints=http://192.168.0.102:2379');
  await con.waitForFunction(() => document.querySelectorAll('.console-out .cl.out').length === 3, null, { timeout: 10000 });
  const served = await con.locator('.console-out .served').last().getAttribute('data-served-by');
  if (served !== '3') throw new Error(`the get names member ${served}, not etcd-3`);
  step(`console: put OK, prefix get served by etcd-${served} (${await outLines(con)} lines)`);
  // A watch in the background, then a txn typed line by line: its prompt
  // turns to '>', blank lines are sent, and the watch prints the txn's put.
  await typeLine(con, 'watch /registry/ --prefix');
  await typeLine(con, 'txn');
  await con.waitForSelector('.console .txn-hint', { timeout: 5000 });
  const prompt = (await con.locator('.console-line label').textContent()).trim();
  if (prompt !== '>') throw new Error(`a txn's prompt is '${prompt}', not '>'`);
  for (const line of ['value("/registry/pods/default/nginx") = "running"', '', 'put /registry/pods/default/nginx ready', '', '']) await typeLine(con, line);
  await con.waitForFunction(() => [...document.querySelectorAll('.console-out .cl.out')].some((l) => l.textContent === 'SUCCESS'), null, { timeout: 10000 });
  await con.waitForFunction(() => [...document.querySelectorAll('.console-out .cl.from-watch')].some((l) => l.textContent === 'ready'), null, { timeout: 10000 });
  if (await con.$('.console .txn-hint')) throw new Error('the txn hint stays after the txn was sent');
  await con.locator('.console').screenshot({ path: `${OUT}/console-en.png` });
  step('console: watch in the background saw the txn\'s put; txn answered SUCCESS');

  // History and session: the console's requests come out as Jepsen lines;
  // the session file imports into a fresh page (in Chinese, at 360 px) and
  // reaches the trace hash it names.
  const [jepsenFile] = await Promise.all([con.waitForEvent('download'), con.click('.downloads [data-format=jepsen]')]);
  const jepsen = (await readFile(await jepsenFile.path(), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
  if (jepsenFile.suggestedFilename() !== 'history.jepsen.jsonl') throw new Error(`jepsen file named ${jepsenFile.suggestedFilename()}`);
  if (!jepsen.some((e) => e.type === 'ok' && e.f === 'write' && e.key === '/registry/pods/default/nginx')) throw new Error('the Jepsen history lacks the console\'s put');
  const [sessionFile] = await Promise.all([con.waitForEvent('download'), con.click('.downloads [data-format=session]')]);
  const sessionPath = `${OUT}/session.json`;
  await sessionFile.saveAs(sessionPath);
  const session = JSON.parse(await readFile(sessionPath, 'utf8'));
  step(`downloads: ${jepsen.length} Jepsen lines; session of ${session.actions.length} actions at ${session.end_ms} ms`);
  const imp = await browser.newPage({ viewport: { width: 360, height: 780 } });
  await imp.goto(`${base}?seed=3&members=5&lang=zh`);
  await imp.setInputFiles('#session-import', sessionPath);
  await imp.waitForFunction((h) => document.querySelector('.page')?.getAttribute('data-trace-hash') === h, session.trace_hash, { timeout: 20000 });
  await imp.waitForSelector('.notice', { timeout: 5000 });
  const impOverflow = await imp.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await imp.locator('.downloads').screenshot({ path: `${OUT}/downloads-zh-phone.png` });
  if (impOverflow > 1) throw new Error(`the downloads panel makes the page ${impOverflow}px wider than 360 px`);
  await imp.setInputFiles('#session-import', { name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"format": "raft-playground-session",') });
  await imp.waitForSelector('.downloads .error', { timeout: 5000 });
  const still = await imp.evaluate(() => document.querySelector('.page').getAttribute('data-trace-hash'));
  step(`downloads: the session imported to trace ${session.trace_hash}; a broken file says "${(await imp.textContent('.downloads .error')).slice(0, 40)}…"`);
  if (!still) throw new Error('the page lost its run after a bad import');

  // The real deployment: etcd-2's etcd.conf names the material's hosts; a
  // host typed in changes every file that names it; a bad one is refused
  // where it was typed; TLS turns every URL to https.
  await con.selectOption('#deploy-file', 'conf-2');
  const conf2 = await con.textContent('#deploy-text');
  if (!conf2.includes('ETCD_NAME="etcd-2"') || !conf2.includes('ETCD_INITIAL_CLUSTER="etcd-1=http://192.168.0.100:2380,etcd-2=http://192.168.0.101:2380,etcd-3=http://192.168.0.102:2380"')) throw new Error(`etcd-2's etcd.conf:\n${conf2}`);
  await con.fill('#deploy-host-1', '10.0.0.7');
  await con.waitForFunction(() => document.getElementById('deploy-text').textContent.includes('etcd-1=http://10.0.0.7:2380'), null, { timeout: 5000 });
  await con.fill('#deploy-host-3', 'bad host');
  await con.waitForSelector('.deploy .error', { timeout: 5000 });
  await con.check('#deploy-tls');
  await con.selectOption('#deploy-file', 'commands');
  const cmds = await con.textContent('#deploy-text');
  if (!cmds.includes('etcdctl --cacert=/etc/etcd/pki/ca.pem') || !cmds.includes('https://10.0.0.7:2379')) throw new Error(`commands:\n${cmds}`);
  await con.locator('.deploy').screenshot({ path: `${OUT}/deploy-en.png` });
  step('deploy: etcd.conf of etcd-2, a typed host in every file, a bad host refused, TLS commands');

  const zh = await browser.newPage({ viewport: { width: 360, height: 780 } });
  await zh.goto(`${base}?seed=11&members=3&speed=8&lang=zh`);
  await zh.waitForFunction(() => document.getElementById('leader').textContent.trim() !== '', null, { timeout: 30000 });
  for (const line of ['.crash etcd-2', '.crash etcd-3', 'put /a 1']) await typeLine(zh, line);
  await zh.waitForFunction(() => [...document.querySelectorAll('.console-out .cl.err')].some((l) => l.textContent.includes('context deadline exceeded')), null, { timeout: 20000 });
  await typeLine(zh, 'txn');
  await zh.waitForSelector('.console .txn-hint', { timeout: 5000 });
  const zhOverflow = await zh.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await zh.locator('.console').screenshot({ path: `${OUT}/console-zh-phone.png` });
  await zh.selectOption('#deploy-file', 'unit');
  await zh.locator('.deploy').screenshot({ path: `${OUT}/deploy-zh-phone.png` });
  const deployOverflow = await zh.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (deployOverflow > 1) throw new Error(`the deployment panel makes the page ${deployOverflow}px wider than 360 px`);
  if (zhOverflow > 1) throw new Error(`the console makes the page ${zhOverflow}px wider than 360 px`);
  step('console: quorum lost -> "Error: context deadline exceeded", in Chinese at 360 px');

  // A phone-sized, dark, reduced-motion look at the same page (not a
  // required state; it catches layout that overflows at 360 px).
  const phone = await browser.newPage({ viewport: { width: 360, height: 780 }, colorScheme: 'dark', reducedMotion: 'reduce' });
  await phone.goto(`${base}?seed=11&members=5&speed=4`);
  await phone.waitForSelector('[data-node-id]');
  await settingsFirst(phone, 780);
  // The sticky header leaves most of a phone's screen to the page.
  const header = (await phone.locator('.top').boundingBox()).height;
  if (header > 120) throw new Error(`the header is ${header}px tall at 360 px`);
  await phone.waitForFunction(() => document.getElementById('leader').textContent.trim() !== '', null, { timeout: 30000 });
  await phone.click(`[data-node-id="${(await phone.textContent('#leader')).trim()}"]`);
  await phone.getByRole('button', { name: 'Send', exact: true }).click();
  await phone.waitForSelector('.results tr.ok', { timeout: 10000 });
  await phone.waitForSelector('.progress td');
  broken = await brokenWords(phone);
  if (broken.length) throw new Error(`words split across lines at 360 px: ${broken.join(', ')}`);
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await shoot(phone, 'phone-dark');
  if (overflow > 1) throw new Error(`page is ${overflow}px wider than a 360px phone`);
  step('phone layout fits 360 px');
} catch (e) {
  failed = true;
  console.error('e2e FAILED:', e.message);
} finally {
  await browser.close();
  server.close();
}
process.exit(failed ? 1 : 0);
