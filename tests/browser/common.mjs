// Shared set-up for the browser tests: the system's Chromium, and a rule that answers every
// request leaving the test server locally, so nothing ever leaves the machine.
import { chromium } from 'playwright-core';

export async function launch(base) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run',
    ],
  });
  return { browser, context: await newContext(browser, base) };
}

// A browser context (with `options`, a viewport say) in which every request that leaves `base`
// is answered locally.
export async function newContext(browser, base, options = {}) {
  const context = await browser.newContext(options);
  await context.route((url) => !url.href.startsWith(base), (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: '<title>elsewhere</title>' }));
  return context;
}

// Console errors and warnings (CSP violations among them) and uncaught exceptions of a page.
export function collectProblems(page) {
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(String(error)));
  return problems;
}

// Bytes the browser downloads in `context` (bodies and headers), counted as requests finish.
export function countBytes(context) {
  const counter = { bytes: 0 };
  context.on('requestfinished', async (request) => {
    const sizes = await request.sizes().catch(() => null);
    if (sizes) counter.bytes += sizes.responseBodySize + sizes.responseHeadersSize;
  });
  return counter;
}

// Waits until the search page's runtime is ready and the status line reports an answer
// ("N testimonies found", "No testimonies found"): the results list is then complete, and
// the filters are counted where they are open.
export async function waitForAnswer(page, timeout = 30000) {
  await page.waitForSelector('#search-app[data-state="ready"]', { timeout });
  await page.waitForFunction(
    () => /found|No testimon/i.test(document.getElementById('search-status')?.textContent ?? ''),
    null, { timeout });
  // The filters' counts follow the results (where the filters are open): wait for them too.
  await page.waitForFunction(
    () => !document.getElementById('search-filters')?.hasAttribute('aria-busy'),
    null, { timeout });
}

// The demo pages a reader meets, found the way a reader finds them rather than named here:
// the first school of the A–Z, and the first testimony (newest first, page by page) whose card
// carries content warnings. Paths are relative to `base` ("schools/…/").
export async function findSamplePages(context, base) {
  const page = await context.newPage();
  const relative = (href) => new URL(href, base).href.slice(base.length);
  await page.goto(`${base}schools/`);
  const school = relative(await page.getAttribute('.school-list a', 'href'));
  let warned = null;
  let next = `${base}testimonies/`;
  while (!warned && next) {
    await page.goto(next);
    warned = await page.$eval('body', (body) => {
      const card = [...body.querySelectorAll('.card')].find((c) => c.querySelector('.cw-labels'));
      return card ? card.querySelector('.card-title a').getAttribute('href') : null;
    });
    const more = await page.$('a[rel="next"]');
    next = more ? new URL(await more.getAttribute('href'), page.url()).href : null;
  }
  await page.close();
  if (!warned) throw new Error('no testimony with content warnings is listed under /testimonies/');
  return { school, warned: relative(warned) };
}

// The filter option ("Label (N)") with the fewest results above none, as {value, index, label,
// count}: choosing it changes the results without emptying them.
export function narrowestOption(page, selector) {
  return page.$eval(selector, (select) => {
    const counted = [...select.options]
      .map((o, index) => ({ value: o.value, index, label: o.textContent,
        count: Number((/\((\d+)\)$/.exec(o.textContent) || [])[1]) }))
      .filter((o) => o.value && o.count > 0)
      .sort((a, b) => a.count - b.count);
    if (!counted.length) throw new Error(`${select.id} offers no option with results`);
    return counted[0];
  });
}

// For a script run as `node SCRIPT BASE_URL QUERY` on a served demo archive: its arguments, a
// browser, and the sample pages it visits (findSamplePages).
export async function startOnDemo(script) {
  const [base, query] = process.argv.slice(2);
  if (!base || !query) {
    console.error(`usage: node ${script} BASE_URL QUERY`);
    process.exit(2);
  }
  const { browser, context } = await launch(base);
  return { base, query, browser, context, ...(await findSamplePages(context, base)) };
}
