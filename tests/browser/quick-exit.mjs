// For each page: the "Exit this page" control and Shift pressed three times both leave for the
// quick exit URL, and Back does not return to the archive.
// Usage: node quick-exit.mjs BASE_URL PATH... ; prints one JSON array.
import { launch, collectProblems } from './common.mjs';

const [base, ...paths] = process.argv.slice(2);
const { browser, context } = await launch(base);
const results = [];
for (const path of paths) {
  const page = await context.newPage();
  const problems = collectProblems(page);
  await page.goto(base + path);
  await page.click('a.quick-exit');
  await page.waitForURL((url) => !url.href.startsWith(base));
  const clickExit = page.url();
  await page.goBack().catch(() => null);
  const afterBack = page.url();

  await page.goto(base + path);
  await page.keyboard.press('Shift');
  await page.keyboard.press('Shift');
  await page.keyboard.press('Shift');
  await page.waitForURL((url) => !url.href.startsWith(base), { timeout: 5000 }).catch(() => null);
  const shiftExit = page.url();
  results.push({ path, clickExit, afterBack, shiftExit, problems });
  await page.close();
}
console.log(JSON.stringify(results));
await browser.close();
