// Drives the dashboard in Debian's chromium (headless, via playwright-core)
// as a user would: sign in, overview, a store, a browser upload, rows and
// alerts arriving live, names shown as text, CSRF refused, sign out.
// Run by tests/e2e/test_dashboard_browser.py, which starts `invtrack serve`
// and passes everything through the environment:
//   BASE_URL, ADMIN_USER, ADMIN_PASSWORD, INVTRACK_BIN, INVTRACK_DATA, WORK_DIR,
//   SCREENSHOT (optional: where to save the overview).
// Prints one line per passed step; exits 1 on the first failure.
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const env = process.env;
const base = env.BASE_URL;
const problems = [];  // console errors, page errors, dialogs: each one fails the run
const STEP_TIMEOUT = 15000;

function check(condition, message) {
  if (!condition) throw new Error(message);
}

function cli(...args) {
  return execFileSync(env.INVTRACK_BIN, ['--data', env.INVTRACK_DATA, ...args],
    { cwd: env.WORK_DIR, timeout: 60000, encoding: 'utf8' });
}

function loadCsv(name, text) {
  const path = join(env.WORK_DIR, name);
  writeFileSync(path, text);
  return cli('load', path);
}

async function step(name, body) {
  await body();
  check(problems.length === 0, `${name}: ${problems.join(' | ')}`);
  console.log(`ok - ${name}`);
}

// A page on another site (localhost vs 127.0.0.1) that tries to make the
// signed-in browser create a user: a text/plain form post shaped like JSON
// and a credentialed fetch.
function startAttacker(target) {
  const page = `<!doctype html><html><body>
<form id="f" method="POST" action="${target}/api/users" enctype="text/plain">
<input name='{"name":"mallory","role":"admin","password":"mallory-pw-1","x":"' value='"}'>
</form>
<script>
fetch("${target}/api/users", {method: "POST", credentials: "include", mode: "no-cors",
  headers: {"Content-Type": "text/plain"},
  body: JSON.stringify({name: "mallory2", role: "admin", password: "mallory-pw-1"})})
  .finally(() => document.getElementById("f").submit());
</script></body></html>`;
  const server = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(page);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
    '--disable-background-networking'],
});
let exitCode = 0;
try {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT);
  // The browser logs every 401/403 answer itself; those are expected here
  // (signed out, refused writes). Anything else (a script error, a CSP
  // violation) fails the run.
  const expectedStatus = /Failed to load resource: the server responded with a status of 40[13]/;
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !expectedStatus.test(msg.text())) problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('dialog', async (dialog) => {
    problems.push(`unexpected dialog: ${dialog.message()}`);
    await dialog.dismiss();
  });

  await step('the sign-in form is shown without a session', async () => {
    await page.goto(base + '/');
    await page.locator('#view-login').waitFor({ state: 'visible' });
    check(await page.locator('#view-overview').isHidden(), 'overview visible before sign-in');
  });

  await step('a wrong password is refused', async () => {
    await page.fill('#login-username', env.ADMIN_USER);
    await page.fill('#login-password', 'not-the-password');
    await page.click('#login-form button[type=submit]');
    await page.locator('#login-error').filter({ hasText: 'wrong user name or password' }).waitFor();
  });

  await step('sign in with the keyboard and see the overview', async () => {
    await page.fill('#login-username', env.ADMIN_USER);
    await page.fill('#login-password', env.ADMIN_PASSWORD);
    await page.press('#login-password', 'Enter');
    await page.locator('#view-overview').waitFor({ state: 'visible' });
    await page.locator('#stores-table tbody tr').nth(5).waitFor();
    check(await page.locator('#stores-table tbody tr').count() === 6, 'six demo stores');
    check((await page.textContent('#total-stores')).trim() === '6', 'total stores');
    check(Number(await page.textContent('#total-out')) === 6, 'six items out of stock');
    const berlin = page.locator('#stores-table tbody tr[data-store="Berlin"]');
    check(await berlin.evaluate((row) => row.classList.contains('level-out')), 'Berlin marked out');
    const bars = await page.evaluate(() => {
      const chart = window.Chart.getChart(document.getElementById('overview-chart'));
      return chart ? chart.data.datasets.map((d) => d.data.reduce((a, b) => a + b, 0)) : null;
    });
    check(bars && bars[0] === 6, `the chart shows 6 out-of-stock items: ${bars}`);
  });

  await step('the overview does not shift its layout while loading', async () => {
    const shift = await page.evaluate(() => new Promise((resolve) => {
      let total = 0;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
      }).observe({ type: 'layout-shift', buffered: true });
      setTimeout(() => resolve(total), 500);
    }));
    check(shift < 0.1, `cumulative layout shift ${shift}`);
  });

  if (env.SCREENSHOT) {
    await step('screenshot of the overview', async () => {
      await page.screenshot({ path: env.SCREENSHOT, fullPage: true });
    });
  }

  await step('open a store with the keyboard', async () => {
    await page.locator('#stores-table a', { hasText: 'Berlin' }).focus();
    await page.keyboard.press('Enter');
    await page.locator('#view-store').waitFor({ state: 'visible' });
    await page.locator('#store-title', { hasText: 'Berlin' }).waitFor();
    await page.locator('#items-table tbody tr').nth(5).waitFor();
    const out = page.locator('#items-table tbody tr.level-out');
    check(await out.count() === 1, 'one item out of stock in Berlin');
    await page.selectOption('#items-filter', 'out');
    await page.waitForFunction(() => document.querySelectorAll('#items-table tbody tr').length === 1);
    await page.selectOption('#items-filter', 'all');
    await page.waitForFunction(() => document.querySelectorAll('#items-table tbody tr').length === 6);
  });

  await step('an item shows its count over time', async () => {
    await page.locator('#items-table tbody tr[data-item="Echo Plus"] button').click();
    await page.locator('#history-title', { hasText: 'Echo Plus' }).waitFor();
    const points = await page.evaluate(() => window.Chart.getChart(document.getElementById('history-chart')).data.datasets[0].data);
    check(points.length === 1 && points[0] === 0, `history points ${points}`);
  });

  await step('upload a CSV in the browser and see the result and rows', async () => {
    await page.locator('#upload-box summary').click();
    await page.setInputFiles('#upload-input', {
      name: 'browser.csv', mimeType: 'text/csv',
      buffer: Buffer.from('store,item,count\nBerlin,Browser Widget,42\nBerlin,Echo Plus,7\n'),
    });
    await page.locator('#upload-result', { hasText: 'Applied: 2 rows' }).waitFor();
    await page.locator('#items-table tbody tr[data-item="Browser Widget"]').waitFor();
    await page.locator('#items-table tbody tr[data-item="Echo Plus"][data-count="7"]').waitFor();
    check((await page.textContent('#store-out')).trim() === '0', 'Berlin has nothing out now');
  });

  await step('a rejected upload shows its line numbers and changes nothing', async () => {
    await page.setInputFiles('#upload-input', {
      name: 'bad.csv', mimeType: 'text/csv',
      buffer: Buffer.from('store,item,count\nBerlin,Browser Widget,1\nBerlin,Broken,lots\n'),
    });
    await page.locator('#upload-result', { hasText: 'Rejected' }).waitFor();
    await page.locator('#upload-result li', { hasText: 'line 3:' }).waitFor();
    check(await page.locator('#items-table tbody tr[data-item="Browser Widget"][data-count="42"]').count() === 1,
      'the rejected file changed a row');
  });

  await step('rows uploaded elsewhere appear live, without a reload', async () => {
    await page.evaluate(() => { window.__notReloaded = true; });
    loadCsv('live.csv', 'store,item,count\nBerlin,Arrived Live,3\n');
    await page.locator('#items-table tbody tr[data-item="Arrived Live"]').waitFor();
    check(await page.evaluate(() => window.__notReloaded === true), 'the page reloaded');
  });

  await step('an alert appears live', async () => {
    await page.click('#nav a[href="#/alerts"]');
    await page.locator('#view-alerts').waitFor({ state: 'visible' });
    await page.locator('#alerts-table tbody tr').first().waitFor();
    loadCsv('alert.csv', 'store,item,count\nPusan,Live Alarm,0\n');
    await page.locator('#alerts-table tbody tr', { hasText: 'Live Alarm' }).waitFor();
    await page.locator('#toasts .toast', { hasText: 'Pusan is out of stock of Live Alarm' }).waitFor();
  });

  await step('an item named like markup is shown as text', async () => {
    const name = '<img src=x onerror=alert(1)>';
    loadCsv('xss.csv', `store,item,count\nKarachi,"${name}",0\n`);
    await page.goto(base + '/#/store/Karachi');
    await page.locator('#view-store').waitFor({ state: 'visible' });
    await page.fill('#items-search', '<img');
    await page.waitForFunction(() => document.querySelectorAll('#items-table tbody tr').length === 1);
    const cell = await page.locator('#items-table tbody tr th').textContent();
    check(cell === name, `rendered as ${cell}`);
    check(await page.locator('#items-table img, #alerts-table img, #toasts img').count() === 0, 'an img element was created');
    await page.goto(base + '/#/alerts');
    await page.locator('#alerts-table tbody tr', { hasText: name }).first().waitFor();
    await page.waitForTimeout(300);  // an onerror handler would have fired by now
  });

  await step('a write without the CSRF token is refused', async () => {
    const status = await page.evaluate(async () => {
      const r = await fetch('/api/users', { method: 'POST', credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'mallory0', role: 'admin', password: 'mallory-pw-1' }) });
      return r.status;
    });
    check(status === 403, `status ${status}`);
  });

  await step('another site cannot make the browser write (CSRF)', async () => {
    const attacker = await startAttacker(base);
    const port = attacker.address().port;
    const evil = await context.newPage();
    evil.on('console', () => {});
    await evil.goto(`http://localhost:${port}/`);
    await evil.waitForLoadState('load');
    await evil.waitForTimeout(1000);
    await evil.close();
    attacker.close();
    const users = await page.evaluate(async () => (await (await fetch('/api/users')).json()).users.map((u) => u.name));
    check(!users.some((u) => u.startsWith('mallory')), `users now: ${users}`);
  });

  await step('sign out ends the session', async () => {
    await page.click('#sign-out');
    await page.locator('#view-login').waitFor({ state: 'visible' });
    const status = await page.evaluate(async () => (await fetch('/api/stores')).status);
    check(status === 401, `after sign-out /api/stores answered ${status}`);
    await page.reload();
    await page.locator('#view-login').waitFor({ state: 'visible' });
  });

  await step('works on a phone-sized screen', async () => {
    const phone = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
    const small = await phone.newPage();
    small.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await small.goto(base + '/');
    await small.fill('#login-username', env.ADMIN_USER);
    await small.fill('#login-password', env.ADMIN_PASSWORD);
    await small.click('#login-form button[type=submit]');
    await small.locator('#stores-table tbody tr').first().waitFor();
    const overflow = await small.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflow <= 0, `the page is ${overflow}px wider than the screen`);
    const fontSize = await small.evaluate(() => parseFloat(getComputedStyle(document.querySelector('#stores-table td')).fontSize));
    check(fontSize >= 14, `table text is ${fontSize}px`);
    await phone.close();
  });
} catch (error) {
  console.log(`not ok - ${error.message}`);
  exitCode = 1;
} finally {
  await browser.close();
}
process.exit(exitCode);
