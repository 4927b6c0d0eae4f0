// axe-core's WCAG 2.0, 2.1 and 2.2 level A and AA rules on the pages a reader meets, served with
// the site's real headers, in the light and the dark colour scheme: the home page, the schools
// A–Z, a school, a testimony with content warnings (closed, then opened), the updates, and a
// search with results (then with a topic filter chosen, the school suggestions open with one
// of them active, and the warned snippets shown).
//
// How axe gets in: the site's Content-Security-Policy allows only its own scripts, so a
// <script> tag with axe's source would be refused. axe's source is evaluated through the
// DevTools protocol instead (page.evaluate), which CSP does not govern, as @axe-core/playwright
// does. That is acceptable because the page itself runs under its CSP unchanged: every
// script, style and request of the site is checked by the browser exactly as a reader's
// browser checks it, and axe only reads the resulting DOM and computed styles.
//
// Usage: node axe.mjs BASE_URL QUERY ; QUERY must find testimonies. Prints one JSON object:
//   {checks: [{name, path, scheme, passes, incomplete, violations: [{id, impact, help, targets}]}],
//    pages, rules, rulesPassed, violations, problems}
// where rules (rulesPassed of them) are the rules that passed everywhere they applied, violations the
// failing elements over all checks, and incomplete the rules axe could not decide on its own
// (reported, for a person to look at, not counted as failures).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { collectProblems, narrowestOption, startOnDemo, waitForAnswer } from './common.mjs';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const { base, query, browser, context, school, warned } = await startOnDemo('axe.mjs');

// Each check: a name, a path, and what to do once the page has loaded.
const CHECKS = [
  ['home', ''],
  ['schools', 'schools/'],
  ['school', school],
  ['testimony with warnings, closed', warned],
  ['testimony with warnings, opened', warned, async (page) => {
    await page.click('details.cw > summary');
    await page.waitForSelector('details.cw[open] .testimony-body');
  }],
  ['updates', 'updates/'],
  ['search results', `search/?q=${encodeURIComponent(query)}`, waitForAnswer],
  ['search with filters', `search/?q=${encodeURIComponent(query)}`, async (page) => {
    await waitForAnswer(page);
    const status = await page.textContent('#search-status');
    await page.selectOption('#search-tag', (await narrowestOption(page, '#search-tag')).value);
    await page.waitForFunction((before) =>
      document.getElementById('search-status').textContent !== before, status);
    await waitForAnswer(page);
    await page.$$eval('#search-results details', (all) => all.forEach((d) => { d.open = true; }));
    const firstSchool = await page.$eval('#search-results .meta', (m) => m.textContent.split('·')[1]?.trim() ?? '');
    await page.fill('#search-school', firstSchool.slice(0, 4));
    await page.waitForSelector('#search-school-suggestions:not([hidden]) [role="option"]');
    await page.press('#search-school', 'ArrowDown');
    await page.waitForSelector('#search-school-suggestions [aria-selected="true"]');
  }],
];

const checks = [];
const problems = [];
const passedRules = new Set();
const failedRules = new Set();
for (const scheme of ['light', 'dark']) {
  for (const [name, path, prepare] of CHECKS) {
    const page = await context.newPage();
    await page.emulateMedia({ colorScheme: scheme });
    const pageProblems = collectProblems(page);
    await page.goto(base + path);
    if (prepare) await prepare(page);
    await page.evaluate(AXE);
    const result = await page.evaluate((tags) => window.axe.run(document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
    }).then((r) => ({
      passes: r.passes.map((rule) => rule.id),
      incomplete: r.incomplete.map((rule) => `${rule.id} (${rule.nodes.length})`),
      violations: r.violations.map((rule) => ({
        id: rule.id,
        impact: rule.impact,
        help: rule.help,
        targets: rule.nodes.map((node) => node.target.join(' ')),
      })),
    })), TAGS);
    result.passes.forEach((id) => passedRules.add(id));
    result.violations.forEach((v) => failedRules.add(v.id));
    problems.push(...pageProblems.map((p) => `${name} (${scheme}): ${p}`));
    checks.push({ name, path: `/${path}`, scheme, passes: result.passes.length,
      incomplete: result.incomplete, violations: result.violations });
    await page.close();
  }
}
await browser.close();

const rules = [...passedRules].filter((id) => !failedRules.has(id)).sort();
console.log(JSON.stringify({
  checks,
  pages: checks.length,
  rules,
  rulesPassed: rules.length,
  violations: checks.reduce((n, c) => n + c.violations.reduce((m, v) => m + v.targets.length, 0), 0),
  problems,
}));
