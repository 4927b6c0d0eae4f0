// Live reload under `testimony serve`: opens a testimony page, rewrites its title in the file,
// and waits for the open page to show the new title by itself.
// Usage: node reload.mjs BASE_URL PAGE_PATH FILE OLD_TITLE NEW_TITLE ; prints one JSON object.
import fs from 'node:fs';
import { launch, collectProblems } from './common.mjs';

const [base, path, file, oldTitle, newTitle] = process.argv.slice(2);
const { browser, context } = await launch(base);
const page = await context.newPage();
const problems = collectProblems(page);
await page.goto(base + path);
const before = await page.textContent('h1');
const started = Date.now();
fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(`title: ${oldTitle}`, `title: ${newTitle}`));
await page.waitForFunction((title) => document.querySelector('h1').textContent.includes(title),
  newTitle, { timeout: 30000 });
console.log(JSON.stringify({ before, after: await page.textContent('h1'), ms: Date.now() - started, problems }));
await browser.close();
