// The XSS corpus in a real browser, served WITHOUT the Content-Security-Policy, so that only the
// renderer stands between a payload and the reader. Opens each page, answers and records every
// alert/confirm/prompt, reads the title and the final address, records every request that
// leaves the test server (each is answered locally by common.mjs, so nothing leaves the
// machine), lists active elements and on* attributes Chromium itself parsed inside <main>, then
// clicks, on a fresh load of the page, every link in <main> that leads off the site.
// Usage: node xss.mjs BASE_URL PATH... ; prints one JSON array, one object per path:
//   {path, dialogs, title, url, offsiteRequests, problems, active, links, clicks}
// where clicks are {href, dialogs, url, offsiteRequests, problems}.
import { launch, collectProblems } from './common.mjs';

const SETTLE_MS = 300; // for timers, late loads and error handlers
const WORKERS = 6;

const [base, ...paths] = process.argv.slice(2);
const origin = new URL(base).origin;
const onSite = (url) => {
  try {
    return new URL(url).origin === origin;
  } catch {
    return false;
  }
};

const { browser, context } = await launch(`${origin}/`);
// Which record a page's dialogs and off-site requests are charged to; pages nobody opened on
// purpose (pop-ups) are charged to their opener's record, or to `stray`.
const owner = new WeakMap();
const stray = { path: '(other pages)', dialogs: [], title: null, url: null, offsiteRequests: [],
  problems: [], active: [], links: [], clicks: [] };
const recordOf = (page) => (page && owner.get(page)) || stray;

context.on('request', (request) => {
  if (onSite(request.url())) return;
  let page = null;
  try {
    page = request.frame().page();
  } catch {
    // A request with no frame (a worker's): charged to `stray`.
  }
  recordOf(page).offsiteRequests.push(request.url());
});
context.on('page', async (page) => {
  page.on('dialog', async (dialog) => {
    recordOf(page).dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    await dialog.dismiss().catch(() => {});
  });
  const opener = await page.opener().catch(() => null);
  if (opener) {
    const record = recordOf(opener);
    owner.set(page, record);
    record.problems.push(`a pop-up opened: ${page.url()}`);
  }
});

// A page whose dialogs, off-site requests and console problems are charged to `record` until
// the next call; pages are reused, since opening one costs as much as loading it.
async function open(page, record, url) {
  owner.set(page, record);
  record.problems = problemsOf.get(page);
  record.problems.length = 0;
  await page.goto(url, { waitUntil: 'load', timeout: 20000 });
}

async function newPage() {
  const page = await context.newPage();
  problemsOf.set(page, collectProblems(page));
  return page;
}
const problemsOf = new WeakMap();

// What Chromium parsed inside <main>: elements that run or load something, and on* attributes.
function inspect(origin) {
  const active = [];
  const dangerous = new Set(['script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet',
    'img', 'image', 'svg', 'math', 'style', 'link', 'meta', 'base', 'video', 'audio', 'source',
    'picture', 'portal', 'template', 'xmp', 'plaintext', 'isindex', 'keygen', 'bgsound']);
  for (const element of document.querySelectorAll('main *')) {
    const name = element.localName;
    if (dangerous.has(name)) active.push(`<${name}>`);
    if (name === 'form' && !(element.action || '').startsWith(`${origin}/`)) {
      active.push(`<form action=${element.getAttribute('action')}>`);
    }
    for (const attribute of element.attributes) {
      if (/^on/i.test(attribute.name)) active.push(`${name}[${attribute.name}]`);
    }
  }
  for (const element of document.querySelectorAll('[onload], [onerror], body[onpageshow]')) {
    if (!element.closest('main')) active.push(`${element.localName} outside main with a handler`);
  }
  const links = [...document.querySelectorAll('main a[href]')].map((a) => a.href);
  return { active, links };
}

async function visit(page, path) {
  const record = { path, dialogs: [], title: null, url: null, offsiteRequests: [], problems: [],
    active: [], links: [], clicks: [] };
  try {
    await open(page, record, new URL(path, origin).href);
    if (path.includes('?q=') && await page.$('#search-app')) {
      await page.waitForFunction(
        () => /found|No testimon/i.test(document.getElementById('search-status')?.textContent ?? ''),
        null, { timeout: 30000 },
      ).catch(() => record.problems.push('the search page never showed results'));
    }
    await page.waitForTimeout(SETTLE_MS);
    record.title = await page.title();
    record.url = page.url();
    Object.assign(record, await page.evaluate(inspect, origin));
  } catch (error) {
    record.problems.push(`could not open the page: ${error.message}`);
  }
  record.problems = [...record.problems];
  return record;
}

// Clicks the index-th link of <main> on a fresh load of the record's page; off-site addresses are
// answered locally, so the click lands on a stand-in page.
async function click(page, record, index, href) {
  const result = { href, dialogs: [], url: null, offsiteRequests: [], problems: [] };
  try {
    await open(page, result, new URL(record.path, origin).href);
    const before = page.url();
    await page.$$eval('main a[href]', (links, i) => links[i].click(), index);
    await page.waitForURL((url) => url.href !== before, { timeout: 2000 }).catch(() => {});
    await page.waitForLoadState('load').catch(() => {});
    await page.waitForTimeout(SETTLE_MS);
    result.url = page.url();
  } catch (error) {
    record.problems.push(`clicking ${href} failed: ${error.message}`);
  }
  result.problems = [...result.problems];
  return result;
}

const records = new Array(paths.length);
let next = 0;
await Promise.all(Array.from({ length: WORKERS }, async () => {
  const page = await newPage();
  while (next < paths.length) {
    const i = next++;
    records[i] = await visit(page, paths[i]);
  }
  await page.close();
}));

// Each off-site http(s) address is clicked once; any other kind of address every time.
const clicked = new Set();
const clickPage = await newPage();
for (const record of records) {
  for (const [index, href] of record.links.entries()) {
    if (onSite(href)) continue;
    const web = /^https?:/i.test(href);
    if (web && clicked.has(href)) continue;
    clicked.add(href);
    record.clicks.push(await click(clickPage, record, index, href));
  }
}

if (stray.dialogs.length || stray.offsiteRequests.length || stray.problems.length) {
  records.push(stray);
}
console.log(JSON.stringify(records));
await browser.close();
