// The moderation desk in Chromium, by keyboard alone, with axe-core's WCAG 2.0–2.2 A and AA
// rules on each page a volunteer meets. From the queue, a volunteer opens the first testimony
// (Tab to its link, Enter), replaces its first identifying detail with a neutral description,
// approves it, goes back to the queue, opens the next one and rejects it with a reason. Only
// the keyboard is used: Tab, typing, Enter. axe's source is evaluated through the DevTools
// protocol, as in axe.mjs, since the desk's CSP refuses any script it did not serve.
//
// Usage: node desk.mjs DESK_URL (the address the desk printed, ending in /). Prints one JSON
// object: {pages: [{name, violations: [{id, help, targets}], passes}], steps: [..], problems}
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { collectProblems, launch } from './common.mjs';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const deskUrl = process.argv[2];
const origin = new URL(deskUrl).origin;

const { browser, context } = await launch(origin);
const page = await context.newPage();
const problems = collectProblems(page);
const pages = [];
const steps = [];

async function audit(name) {
  await page.evaluate(AXE);
  const result = await page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return {
      passes: r.passes.length,
      violations: r.violations.map((v) => ({ id: v.id, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) })),
    };
  }, TAGS);
  pages.push({ name, ...result });
}

// Presses Tab until the focused element matches `test` (at most 200 times).
async function tabTo(what, test) {
  for (let i = 0; i < 200; i += 1) {
    await page.keyboard.press('Tab');
    const found = await page.evaluate(test);
    if (found) {
      steps.push(`focused ${what}`);
      return;
    }
  }
  const here = await page.evaluate(() => document.querySelector('main')?.innerText.slice(0, 400));
  throw new Error(`Tab never reached ${what} on ${page.url()}: ${here}`);
}

async function enterAndWait(what) {
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  steps.push(`${what}: ${new URL(page.url()).pathname.split('/').slice(2).join('/') || 'queue'}`);
}

await page.goto(deskUrl);
await audit('queue');
await tabTo('the first testimony', () => /^Testimony \d+$/.test(document.activeElement?.textContent ?? ''));
await enterAndWait('opened');
await audit('testimony with a finding');

await tabTo('the replacement box', () => document.activeElement?.id === 'replace-0');
await page.keyboard.press('Control+A');
await page.keyboard.type('a boy in my year');
await tabTo('the Replace button', () => document.activeElement?.textContent === 'Replace');
await enterAndWait('replaced');
await audit('testimony after a replacement');

await tabTo('the Approve button', () => (document.activeElement?.textContent ?? '').startsWith('Approve'));
await enterAndWait('approved');

await page.goto(deskUrl);
await tabTo('the next testimony', () => /^Testimony \d+$/.test(document.activeElement?.textContent ?? ''));
await enterAndWait('opened');
await tabTo('the reason box', () => document.activeElement?.id === 'reason');
await page.keyboard.type('a duplicate of another submission');
await tabTo('the Reject button', () => document.activeElement?.textContent === 'Reject');
await enterAndWait('rejected');
await audit('queue after the decisions');

await browser.close();
console.log(JSON.stringify({ pages, steps, problems }));
