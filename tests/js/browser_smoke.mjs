// Manual smoke test of the search page in headless Chromium (not run by `cargo test`; the
// integrator's browser suite is the real one). Needs playwright-core (npm) and Debian's
// chromium, and a built site whose pages carry the fixture of tests/search_fixture served with
// the site's CSP header:
//
//   node tests/js/browser_smoke.mjs http://127.0.0.1:8765
//
// Checks: the worker starts under the CSP, ?school= and sessionStorage hand-over, typing,
// phrase highlighting, content warnings, school typeahead with a typo, filters with counts, the
// "looking for a school?" offer, the unknown-school message, no URL changes, and the no-JS text.
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const base = process.argv[2] || 'http://127.0.0.1:8765';
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const problems = [];
try {
  const page = await browser.newPage();
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  const ready = () => page.waitForSelector('#search-app[data-state="ready"]', { timeout: 20000 });
  const settle = () => page.waitForTimeout(700);
  const texts = (sel) => page.$$eval(sel, (els) => els.map((e) => e.textContent));

  await page.goto(`${base}/search/?school=nba`);
  await ready();
  await settle();
  assert.equal(await page.textContent('#search-status'), '2 testimonies found at Northbridge Academy.');
  assert.equal(await page.textContent('#search-school-chosen-name'), 'Northbridge Academy');

  await page.click('#search-school-clear');
  await page.fill('#search-q', '"bus stop"');
  await settle();
  assert.deepEqual(await texts('#search-results mark'), ['bus', 'stop']);
  assert.equal(await page.textContent('#search-status'), '1 testimony found.');

  await page.fill('#search-q', 'photos');
  await page.press('#search-q', 'Enter');
  await settle();
  assert.deepEqual(await texts('#search-results .cw-labels'), ['Content warning: image-based abuse']);

  await page.fill('#search-q', 'stop');
  await settle();
  assert.ok((await texts('#search-school-facets button'))[0].startsWith('Northbridge Academy'));
  assert.ok((await texts('#search-kind option')).includes('State secondary school (2)'));

  await page.fill('#search-q', '');
  await page.fill('#search-school', 'Northbrige');
  await settle();
  assert.deepEqual(await texts('#search-school-suggestions button'), ['Northbridge Academy (2)']);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await settle();
  assert.equal(await page.textContent('#search-status'), '2 testimonies found at Northbridge Academy.');

  await page.click('#search-school-clear');
  await page.fill('#search-q', 'Northbrige');
  await settle();
  await page.click('#search-offer button');
  await settle();
  assert.equal(await page.inputValue('#search-q'), '');
  assert.equal(await page.textContent('#search-status'), '2 testimonies found at Northbridge Academy.');

  await page.click('#search-school-clear');
  await page.fill('#search-school', 'Zzyzx');
  await page.press('#search-school', 'Enter');
  await settle();
  assert.match(await page.textContent('#search-status'), /No school matches “Zzyzx”/);
  assert.equal(page.url(), `${base}/search/?school=nba`, 'the URL never changes');

  await page.evaluate(() => sessionStorage.setItem('testimony.q', 'banter'));
  await page.goto(`${base}/search/`);
  await ready();
  await settle();
  assert.equal(await page.inputValue('#search-q'), 'banter');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('testimony.q')), null);
  assert.equal(await page.textContent('#search-status'), '1 testimony found.');

  const nojs = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
  await nojs.goto(`${base}/search/`);
  assert.ok(await nojs.isVisible('#search-nojs'));
  assert.ok(!(await nojs.isVisible('#search-app')));
  assert.deepEqual(problems, [], 'no console errors (CSP violations show up here)');
  console.log('browser smoke test: 1 passed, 0 failed');
} finally {
  await browser.close();
}
