// A reader's first search, measured in a real browser (headless Chromium) for testimony's
// search page and for Pagefind's default UI on the Hugo site, each served by a local test
// server that compresses with gzip and, with the slow-phone profile, holds every response
// 150 ms (a round trip) and paces all bodies together at 200 KB/s (one shared link).
// Not a test: it prints figures.
//
// Usage: node first-search.mjs --ours PUBLIC --peer HUGO_PUBLIC [--query corridor]
//                              [--profile slow-phone|localhost]... [--list]
// Prints JSON: for each profile, for `ours` and `peer`: bytes on the wire (headers and bodies as
// the server sent them), requests, milliseconds from opening the search page to the first results
// shown (the query typed as soon as the box is there), and of those the milliseconds from
// submitting the query. Under `phone`, where our first result is on a phone's screen (390 by
// 844 px, the query in the address): its top, the bottom of the search row above it, the
// screen's height, and whether the filters were open.

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';

const PROFILES = {
  'slow-phone': { delayMs: 150, bytesPerSecond: 200_000 },
  localhost: { delayMs: 0, bytesPerSecond: Infinity },
};

const CONTENT_TYPES = {
  html: 'text/html; charset=utf-8', css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8', mjs: 'text/javascript; charset=utf-8',
  json: 'application/json', svg: 'image/svg+xml', png: 'image/png', ico: 'image/x-icon',
  woff2: 'font/woff2', wasm: 'application/wasm', txt: 'text/plain; charset=utf-8',
  xml: 'application/xml', webmanifest: 'application/manifest+json',
};
const contentType = (file) =>
  CONTENT_TYPES[path.extname(file).slice(1).toLowerCase()] ?? 'application/octet-stream';
// What a host compresses: text, and binary index files that are not compressed already.
const compressible = (file) => !/\.(png|ico|woff2|gz|br)$/i.test(file);

// One link shared by every response: at most `bytesPerSecond`, served round-robin in slices.
function link(bytesPerSecond) {
  const queue = [];
  let busy = false;
  const slice = 4096;
  function pump() {
    if (!queue.length) { busy = false; return; }
    busy = true;
    const job = queue.shift();
    const part = job.body.subarray(job.sent, job.sent + slice);
    job.sent += part.length;
    job.res.write(part);
    if (job.sent < job.body.length) queue.push(job); else { job.res.end(); }
    setTimeout(pump, (part.length / bytesPerSecond) * 1000);
  }
  return (res, body) => {
    if (!Number.isFinite(bytesPerSecond)) { res.end(body); return; }
    if (!body.length) { res.end(); return; }
    queue.push({ res, body, sent: 0 });
    if (!busy) pump();
  };
}

function serve(root, profile) {
  const counter = { bytes: 0, requests: 0, served: [] };
  const started = Date.now();
  const cache = new Map();
  const send = link(profile.bytesPerSecond);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let urlPath = decodeURIComponent(url.pathname);
    if (urlPath.split('/').includes('..')) urlPath = '/404.html';
    let file = path.join(root, urlPath);
    let status = 200;
    if (urlPath.endsWith('/')) file = path.join(file, 'index.html');
    else if (fs.existsSync(file) && fs.statSync(file).isDirectory()) {
      file = null;
    }
    if (file === null) {
      status = 301;
    } else if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
      status = 404;
      file = path.join(root, '404.html');
    }
    const gzip = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
    let body = Buffer.alloc(0);
    const headers = {};
    if (status === 301) {
      headers.Location = `${urlPath}/${url.search}`;
    } else if (fs.existsSync(file)) {
      const cacheKey = `${file}|${gzip}`;
      if (!cache.has(cacheKey)) {
        const raw = fs.readFileSync(file);
        cache.set(cacheKey, gzip && compressible(file) ? zlib.gzipSync(raw, { level: 6 }) : raw);
      }
      body = cache.get(cacheKey);
      headers['Content-Type'] = contentType(file);
      if (gzip && compressible(file)) headers['Content-Encoding'] = 'gzip';
    }
    headers['Content-Length'] = body.length;
    headers['Cache-Control'] = 'no-cache';
    setTimeout(() => {
      res.writeHead(status, headers);
      // Status line and headers as written, roughly: counted with the body.
      counter.bytes += Object.entries(headers).reduce((n, [k, v]) => n + k.length + String(v).length + 4, 17);
      counter.bytes += body.length;
      counter.requests += 1;
      counter.served.push([Date.now() - started, urlPath, body.length]);
      if (req.method === 'HEAD') res.end(); else send(res, body);
    }, profile.delayMs);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({
      base: `http://127.0.0.1:${server.address().port}/`,
      counter,
      close: () => new Promise((done) => { server.closeAllConnections(); server.close(() => done()); }),
    }));
  });
}

const SITES = {
  // testimony: the search page's box; the status line says "N testimonies found" when the
  // results are listed.
  ours: {
    path: 'search/',
    input: '#search-q',
    answered: () => /found|No testimon/i.test(document.getElementById('search-status')?.textContent ?? ''),
  },
  // Pagefind's default UI: its box appears once pagefind-ui.js has run; a result is shown when
  // its title link is there (after its fragment has loaded).
  peer: {
    path: 'search/',
    input: '.pagefind-ui__search-input',
    answered: () => document.querySelector('.pagefind-ui__result-link, .pagefind-ui__message') !== null
      && !/^Searching|^Loading/i.test(document.querySelector('.pagefind-ui__message')?.textContent ?? '')
      && document.querySelector('.pagefind-ui__result-link') !== null,
  },
};

async function firstSearch(browser, root, site, profile, query) {
  const server = await serve(root, profile);
  const context = await browser.newContext();
  await context.route((url) => !url.href.startsWith(server.base), (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: '<title>elsewhere</title>' }));
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(String(error)));
  const opened = Date.now();
  await page.goto(`${server.base}${site.path}`, { waitUntil: 'commit', timeout: 120000 });
  const box = page.locator(site.input);
  await box.waitFor({ state: 'visible', timeout: 120000 });
  await box.fill(query);
  const submitted = Date.now();
  await box.press('Enter');
  await page.waitForFunction(site.answered, null, { timeout: 180000, polling: 20 });
  const answered = Date.now();
  // What had been asked for by the time the results showed; what follows them (our filter
  // counts) is in the settled figures below.
  const atResults = { bytes: server.counter.bytes, requests: server.counter.requests };
  // Let responses already under way finish, so that what the first search fetched is counted.
  await page.waitForTimeout(profile.delayMs + 1000);
  const figures = {
    bytes: server.counter.bytes,
    requests: server.counter.requests,
    bytesAtResults: atResults.bytes,
    requestsAtResults: atResults.requests,
    firstResultsMs: answered - opened,
    fromQueryMs: answered - submitted,
    problems,
    ...(listServed ? { served: server.counter.served } : {}),
  };
  await context.close();
  await server.close();
  return figures;
}

// Our search page on a phone, its answer shown: where the first result is, and the filters.
async function onPhone(browser, root, query) {
  const server = await serve(root, PROFILES.localhost);
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await page.goto(`${server.base}${SITES.ours.path}?q=${encodeURIComponent(query)}`);
  await page.waitForFunction(SITES.ours.answered, null, { timeout: 180000, polling: 20 });
  const figures = await page.evaluate(() => {
    const box = (selector) => document.querySelector(selector)?.getBoundingClientRect();
    return {
      firstResultTop: box('#search-results li.result')?.top ?? null,
      searchRowBottom: box('.search-row')?.bottom ?? null,
      screenHeight: window.innerHeight,
      filtersOpen: document.getElementById('search-filters')?.open ?? null,
    };
  });
  await context.close();
  await server.close();
  return figures;
}

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const ours = option('--ours');
const peer = option('--peer');
const query = option('--query', 'corridor');
// With --list, each profile's figures also list what was served: [ms since the server
// started, path, body bytes].
const listServed = args.includes('--list');
const profiles = args.flatMap((a, i) => (a === '--profile' ? [args[i + 1]] : []));
if (!ours || !peer) {
  console.error('usage: node first-search.mjs --ours PUBLIC --peer HUGO_PUBLIC [--query Q] [--profile slow-phone|localhost]...');
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const result = { query };
try {
  for (const name of profiles.length ? profiles : ['slow-phone']) {
    const profile = PROFILES[name];
    if (!profile) throw new Error(`unknown profile ${name}`);
    result[name] = {
      ours: await firstSearch(browser, path.resolve(ours), SITES.ours, profile, query),
      peer: await firstSearch(browser, path.resolve(peer), SITES.peer, profile, query),
    };
  }
  result.phone = await onPhone(browser, path.resolve(ours), query);
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
