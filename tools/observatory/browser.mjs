// The pages, the search worker and its wasm in headless Chromium, served by serve.mjs with
// netlify.toml's headers: reports every console error or warning (CSP violations among them),
// uncaught exception and `securitypolicyviolation` event. Uses the browser tests' set-up
// (tests/browser: playwright-core and the system's Chromium; nothing leaves 127.0.0.1).
//
// Usage: node browser.mjs BASE_URL QUERY ; prints one line per page, exits 1 on any problem.

import { launch, collectProblems } from '../../tests/browser/common.mjs';

const [base, query = 'locker'] = process.argv.slice(2);
if (!base?.startsWith('http://127.0.0.1:')) {
  console.error('usage: node browser.mjs http://127.0.0.1:PORT/ [QUERY]');
  process.exit(2);
}

const PAGES = [
  '', 'about/', 'how-to-report/', 'privacy/', 'support/', 'testimonies/', 'testimonies/1001/',
  'schools/', 'schools/bramblemere-primary-school/', 'tags/harassment/', 'updates/',
  'updates/2021-03-01-the-archive-is-open/', 'search/', 'nowhere/',
];

const { browser, context } = await launch(base);
await context.addInitScript(() => {
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__violations.push(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
  });
});

let failed = false;
for (const path of PAGES) {
  const page = await context.newPage();
  const problems = collectProblems(page);
  const workers = [];
  page.on('worker', (worker) => workers.push(worker.url()));
  const response = await page.goto(base + path);
  let note = '';
  if (path === 'search/') {
    // The search worker starts, fetches the manifest, compiles the wasm and answers a query.
    try {
      await page.waitForSelector('#search-app[data-state="ready"]', { timeout: 30000 });
      await page.fill('#search-q', query);
      await page.waitForFunction(
        () => /found|No testimon/i.test(document.getElementById('search-status').textContent),
        null, { timeout: 30000 });
      const count = await page.$$eval('#search-results li.result', (items) => items.length);
      note = ` (worker ${workers.length ? 'ran' : 'did not run'}, "${query}": ${count} results)`;
      if (!workers.length || count === 0) {
        problems.push(`search did not work: ${workers.length} workers, ${count} results`);
      }
    } catch (error) {
      problems.push(`search did not work: ${String(error).split('\n')[0]}`);
    }
  }
  await page.waitForTimeout(200);
  problems.push(...(await page.evaluate(() => window.__violations)));
  // The 404 page is served with status 404, which Chromium reports as a failed load.
  const real = problems.filter((p) => !(response.status() === 404 && p.includes('status of 404')));
  failed ||= real.length > 0;
  console.log(`  ${real.length ? 'FAIL' : 'ok  '} /${path} ${response.status()}${note}${real.map((p) => `\n       ${p}`).join('')}`);
  await page.close();
}
await browser.close();
process.exit(failed ? 1 : 0);
