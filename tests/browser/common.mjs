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
  const context = await browser.newContext();
  await context.route((url) => !url.href.startsWith(base), (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: '<title>elsewhere</title>' }));
  return { browser, context };
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
