// Measures search in a real browser (not a test: it prints figures). Opens BASE/search/, waits
// for the runtime, then times each query from submitting the form to the result count shown,
// and reports the bytes the browser downloaded before the first answer.
// Usage: node tests/browser/measure.mjs http://127.0.0.1:PORT/ [QUERY ...]
import { launch, countBytes } from './common.mjs';

const [base, ...given] = process.argv.slice(2);
const queries = given.length ? given : ['bus stop', 'locker', '"group chat"', 'teacher OR detention',
  'comments NOT bus', 'school', 'photos', 'bus stop'];
const { browser, context } = await launch(base);
const downloaded = countBytes(context);
const page = await context.newPage();
const opened = Date.now();
await page.goto(`${base}search/`);
await page.waitForSelector('#search-app[data-state="ready"]', { timeout: 60000 });
const readyMs = Date.now() - opened;
const times = await page.evaluate(async (list) => {
  const status = document.getElementById('search-status');
  const input = document.getElementById('search-q');
  const form = document.getElementById('search-form');
  const out = [];
  for (const q of list) {
    const answered = new Promise((resolve) => {
      const observer = new MutationObserver(() => {
        if (/found|No testimon/.test(status.textContent)) { observer.disconnect(); resolve(); }
      });
      observer.observe(status, { childList: true, characterData: true, subtree: true });
    });
    status.textContent = '';
    const started = performance.now();
    input.value = q;
    form.requestSubmit();
    await answered;
    out.push({ query: q, ms: Math.round((performance.now() - started) * 10) / 10 });
  }
  return out;
}, queries);
console.log(JSON.stringify({ readyMs, bytesBeforeFirstAnswer: downloaded.bytes, queries: times }, null, 1));
await browser.close();
