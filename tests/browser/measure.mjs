// Measures search in a real browser (not a test: it prints figures). Opens BASE/search/, waits
// for the runtime, then for each query: the time from submitting the form to the result count
// shown, the bytes it downloaded (index chunks it needed), and the time asked again (its chunks
// held). Also the bytes downloaded before the first query (page, runtime, hot file).
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
// One query: submits it and resolves with the milliseconds until the result count is shown.
function ask(q) {
  return page.evaluate(async (query) => {
    const status = document.getElementById('search-status');
    const input = document.getElementById('search-q');
    const form = document.getElementById('search-form');
    const answered = new Promise((resolve) => {
      const observer = new MutationObserver(() => {
        if (/found|No testimon/.test(status.textContent)) { observer.disconnect(); resolve(); }
      });
      observer.observe(status, { childList: true, characterData: true, subtree: true });
    });
    status.textContent = '';
    const started = performance.now();
    input.value = query;
    form.requestSubmit();
    await answered;
    return Math.round((performance.now() - started) * 10) / 10;
  }, q);
}

// Bytes are counted as responses finish, a moment after the answer: let them land.
const settle = () => page.waitForTimeout(400);
await settle();
const beforeFirst = downloaded.bytes;
const times = [];
for (const q of queries) {
  const before = downloaded.bytes;
  const ms = await ask(q);
  await settle();
  const bytes = downloaded.bytes - before;
  const cachedMs = await ask(q);
  times.push({ query: q, ms, bytes, cachedMs });
}
console.log(JSON.stringify({
  readyMs,
  bytesBeforeFirstQuery: beforeFirst,
  bytesAtFirstAnswer: beforeFirst + (times[0] ? times[0].bytes : 0),
  queries: times,
}, null, 1));
await browser.close();
