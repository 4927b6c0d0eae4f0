// The README's screenshots: serves a built site from a folder on 127.0.0.1 and photographs the
// home page, a school, a testimony with content warnings (the warning showing, the text still
// closed) and search results, in headless Chromium, 1280 CSS pixels wide (a laptop's screen,
// where the search page's filters stand beside the results) and 800 high (search down to its
// second result), light colour scheme.
// Uses the browser tests' set-up (tests/browser: playwright-core, the system's Chromium, and
// nothing leaving 127.0.0.1).
//
// Usage: node shoot.mjs PUBLIC_DIR OUT_DIR [QUERY] ; writes OUT_DIR/{home,school,testimony,search}.png
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { launch, findSamplePages, waitForAnswer } from '../../tests/browser/common.mjs';

const [publicDir, outDir, query = 'locker'] = process.argv.slice(2);
if (!publicDir || !outDir) {
  console.error('usage: node shoot.mjs PUBLIC_DIR OUT_DIR [QUERY]');
  process.exit(2);
}
const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.wasm': 'application/wasm' };

// Files of PUBLIC_DIR by URL path (folders by their index.html); no headers beyond the type:
// the pictures need the pages, not the security headers the browser tests check.
const root = path.resolve(publicDir);
const server = http.createServer((req, res) => {
  const urlPath = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
  const file = path.join(root, urlPath.endsWith('/') ? `${urlPath}index.html` : urlPath);
  if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
  res.end(fs.readFileSync(file));
});
await new Promise((listening) => server.listen(0, '127.0.0.1', listening));
const base = `http://127.0.0.1:${server.address().port}/`;

const { browser, context } = await launch(base);
const { warned } = await findSamplePages(context, base);
const schools = JSON.parse(fs.readFileSync(path.join(root, 'schools.json'), 'utf8'));
const busiest = schools.reduce((a, b) => (b.count > a.count ? b : a));

const WIDTH = 1280;
// Name, path, what to wait for, and an element the picture reaches down to (else 800 high).
const SHOTS = [
  ['home', ''],
  ['school', `schools/${busiest.slug}/`],
  ['testimony', warned],
  ['search', `search/?q=${encodeURIComponent(query)}`, waitForAnswer, '#search-results li.result:nth-child(2)'],
];
fs.mkdirSync(outDir, { recursive: true });
const page = await context.newPage();
await page.setViewportSize({ width: WIDTH, height: 800 });
await page.emulateMedia({ colorScheme: 'light', reducedMotion: 'reduce' });
for (const [name, urlPath, ready, until] of SHOTS) {
  await page.goto(base + urlPath);
  if (ready) await ready(page);
  const bottom = until ? await page.$eval(until, (e) => e.getBoundingClientRect().bottom + window.scrollY) : 0;
  const height = Math.min(Math.max(800, Math.ceil(bottom) + 24), 1800);
  const file = path.join(outDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true, clip: { x: 0, y: 0, width: WIDTH, height },
    animations: 'disabled', caret: 'hide' });
  console.log(`${file}: /${urlPath} (${Math.round(fs.statSync(file).size / 1024)} KB)`);
}
await browser.close();
server.close();
