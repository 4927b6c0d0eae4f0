// The search page in a real browser, under the site's CSP: opens /search/?q=FIRST, reads the
// result links, types SECOND into the search box, reads them again, and reports what changed in
// the address bar and history, console problems, and what the browser downloaded.
// Usage: node search.mjs BASE_URL FIRST SECOND ; prints one JSON object.
import { launch, newContext, collectProblems, countBytes, waitForAnswer } from './common.mjs';

const [base, first, second] = process.argv.slice(2);
const { browser, context } = await launch(base);
const downloaded = countBytes(context);
const page = await context.newPage();
const problems = collectProblems(page);
const links = () => page.$$eval('#search-results li.result h2 a', (as) => as.map((a) => a.getAttribute('href')));
const status = () => page.textContent('#search-status');

const started = Date.now();
const url = `${base}search/?q=${encodeURIComponent(first)}`;
await page.goto(url);
await waitForAnswer(page);
const firstQueryMs = Date.now() - started;
const firstLinks = await links();
const firstStatus = await status();
// What the first result shows, read from its testimony's page: title, date and school, and
// the snippet with the matched words marked.
const firstResult = await page.$eval('#search-results li.result', (li) => ({
  title: li.querySelector('h2').textContent,
  meta: li.querySelector('p.meta').textContent,
  datetime: li.querySelector('p.meta time').getAttribute('datetime'),
  marks: Array.from(li.querySelectorAll('p.snippet mark'), (m) => m.textContent),
  snippet: (li.querySelector('p.snippet') || {}).textContent || '',
}));
// Where the filters and the first result stand on the screen of `on`, a page with an answer.
const layout = (on) => on.evaluate(() => {
  const box = (selector) => document.querySelector(selector).getBoundingClientRect();
  const filters = box('#search-filters');
  return {
    open: document.getElementById('search-filters').open,
    firstResultTop: box('#search-results li.result').top, screenHeight: window.innerHeight,
    filtersRight: filters.right, resultsLeft: box('#search-results').left,
    filtersTop: filters.top, searchRowBottom: box('.search-row').bottom,
  };
});
// The search page of `url` with its answer, on a screen of `viewport`; close its context after.
async function answerOn(viewport) {
  const context = await newContext(browser, base, { viewport });
  const on = await context.newPage();
  await on.goto(url);
  await waitForAnswer(on);
  return { context, on };
}
// On a wide screen the filters start open beside the results, not above them: the first
// result shows without scrolling.
const onWideScreen = await layout(page);
// The filters' counts come after the results.
await page.waitForFunction(() => !document.getElementById('search-filters').hasAttribute('aria-busy'),
  null, { timeout: 10000 }).catch(() => null);
const kindOptions = await page.$$eval('#search-kind option', (os) => os.map((o) => o.textContent));
const firstBytes = downloaded.bytes;
const historyLength = await page.evaluate(() => history.length);

await page.fill('#search-q', '');
const typed = Date.now();
await page.type('#search-q', second, { delay: 20 });
await page.waitForFunction((previous) => document.getElementById('search-status').textContent !== previous,
  firstStatus, { timeout: 10000 }).catch(() => null);
await page.waitForTimeout(500);
const secondQueryMs = Date.now() - typed;
const secondLinks = await links();

const secondStatus = await status();
const urlAfter = page.url();
const historyAfter = await page.evaluate(() => history.length);
const noscript = await page.$eval('#search-nojs', (e) => e.hidden);

// The home page's search box hands its words over without putting them in the URL.
await page.goto(base);
// While the reader types there, the search program is fetched ahead into the cache.
const fetchedWhileTyping = [];
const noteRequest = (request) => fetchedWhileTyping.push(new URL(request.url()).pathname);
page.on('request', noteRequest);
await page.type('form.search-form input[name="q"]', first, { delay: 20 });
await page.waitForTimeout(500);
page.off('request', noteRequest);
const warmed = fetchedWhileTyping.some((path) => /\/search\/runtime\.[0-9a-f]+\.wasm$/.test(path));
await page.fill('form.search-form input[name="q"]', first);
await page.press('form.search-form input[name="q"]', 'Enter');
await page.waitForURL(`${base}search/`);
await waitForAnswer(page);
const fromHome = { url: page.url(), links: await links(), warmed,
  stored: await page.evaluate(() => sessionStorage.getItem('testimony.q')) };

// A topic's page lists its newest testimonies and links to the search filtered by the topic,
// which lists them all: the page starts with that filter chosen.
await page.goto(`${base}tags/`);
const topic = await page.$eval('main a[href*="tags/"]', (a) => a.getAttribute('href'));
await page.goto(new URL(topic, base).href);
const topicSlug = topic.split('/').filter(Boolean).pop();
const byTopic = { slug: topicSlug, page: await page.textContent('main > p') };
await page.goto(`${base}search/?tag=${topicSlug}`);
await waitForAnswer(page);
Object.assign(byTopic, { status: await status(), chosen: await page.$eval('#search-tag', (s) => s.value),
  url: page.url() });

// On a phone the filters start closed, and their counts wait until the reader opens them.
const { context: phone, on: small } = await answerOn({ width: 390, height: 844 });
await small.waitForTimeout(500);
const kinds = () => small.$$eval('#search-kind option', (os) => os.map((o) => o.textContent));
const onPhone = { openAtFirst: await small.$eval('#search-filters', (d) => d.open), before: await kinds() };
await small.click('#search-filters > summary');
await small.waitForFunction((before) => {
  const now = Array.from(document.querySelectorAll('#search-kind option'), (o) => o.textContent);
  return JSON.stringify(now) !== JSON.stringify(before);
}, onPhone.before, { timeout: 10000 }).catch(() => null);
onPhone.after = await kinds();
await phone.close();

// On a tablet there is no room beside the results: the filters start closed, as on a phone.
const { context: tablet, on: mid } = await answerOn({ width: 1024, height: 768 });
const onTablet = await layout(mid);
await tablet.close();

console.log(JSON.stringify({
  onPhone, onWideScreen, onTablet,
  fromHome,
  byTopic,
  firstLinks, firstResult, kindOptions, secondLinks, firstStatus, secondStatus, urlAfter, url,
  historyBefore: historyLength, historyAfter, problems, firstQueryMs, secondQueryMs,
  firstBytes, totalBytes: downloaded.bytes, noscript,
}));
await browser.close();
