// The site by keyboard alone, served with its real headers: only page.keyboard (Tab,
// Shift+Tab, Enter, Space, arrows, Escape) moves focus or acts; the script reads the page.
// - the quick exit is the first Tab stop of every kind of page, and Enter on it leaves the site;
// - Tab from the top reaches the end of each page and Shift+Tab walks back the same stops (no
//   trap), and every stop shows a focus indicator that contrasts with what is around it, in the
//   light and the dark colour scheme;
// - the content warning's control is a <details>/<summary> (or a <button>) that Enter and Space
//   open and close;
// - the search page: type words, Enter, results; choose a school from the suggestions with the
//   arrow keys (Escape closes them); choose a topic with the arrow keys; counts and results
//   change; open a result with Enter;
// - the home page's school finder: type, ArrowDown to a school, Enter opens its page.
// Usage: node keyboard.mjs BASE_URL QUERY ; QUERY must find testimonies at more than one school.
// Prints one JSON object: {checks: [{name, passed, detail}], stops}.
import { collectProblems, narrowestOption, startOnDemo, waitForAnswer } from './common.mjs';

const MAX_STOPS = 300;
const { base, query, browser, context, school, warned } = await startOnDemo('keyboard.mjs');
const checks = [];
let stopsSeen = 0;
const check = (name, passed, detail) => checks.push({ name, passed: Boolean(passed), detail });

// The focused element, described, with whether its focus indicator can be seen: an outline, a
// box shadow or a background that it has only while focused (compared with an unfocused copy
// of it) and whose colour contrasts 3:1 with the colour behind it (WCAG 1.4.11 and 2.4.7).
// null when nothing on the page has focus.
function inspectFocus(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return null;
    const parse = (text) => {
      const m = /rgba?\(([^)]*)\)/.exec(text || '');
      if (!m) return null;
      const [r, g, b, a = 1] = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
      return { r, g, b, a };
    };
    const blend = (top, under) => ({
      r: top.r * top.a + under.r * (1 - top.a),
      g: top.g * top.a + under.g * (1 - top.a),
      b: top.b * top.a + under.b * (1 - top.a),
      a: 1,
    });
    const behind = (node) => {
      const layers = [];
      for (let n = node; n; n = n.parentElement) {
        const c = parse(getComputedStyle(n).backgroundColor);
        if (c && c.a > 0) layers.push(c);
        if (c && c.a >= 1) break;
      }
      return layers.reverse().reduce((under, top) => blend(top, under), { r: 255, g: 255, b: 255, a: 1 });
    };
    const luminance = (c) => {
      const f = (v) => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
    };
    const contrast = (x, y) => {
      const [hi, lo] = [luminance(x), luminance(y)].sort((p, q) => q - p);
      return (hi + 0.05) / (lo + 0.05);
    };
    const copy = el.cloneNode(false);
    copy.removeAttribute('id');
    el.after(copy);
    const [on, off] = [getComputedStyle(el), getComputedStyle(copy)];
    const style = (s) => ({ outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`,
      shadow: s.boxShadow, background: s.backgroundColor });
    const [focused, unfocused] = [style(on), style(off)];
    copy.remove();
    const around = behind(el.parentElement);
    const best = [];
    if (focused.outline !== unfocused.outline && on.outlineStyle !== 'none' && parseFloat(on.outlineWidth) >= 2) {
      const colour = parse(on.outlineColor);
      const under = parseFloat(on.outlineOffset) < 0 ? behind(el) : around;
      if (colour && colour.a > 0) best.push(['outline', contrast(blend(colour, under), under)]);
    }
    if (focused.shadow !== unfocused.shadow && on.boxShadow !== 'none') {
      for (const part of on.boxShadow.match(/rgba?\([^)]*\)/g) || []) {
        const colour = parse(part);
        if (colour.a > 0) best.push(['box-shadow', contrast(blend(colour, around), around)]);
      }
    }
    if (focused.background !== unfocused.background) {
      best.push(['background', contrast(behind(el), around)]);
    }
    best.sort((x, y) => y[1] - x[1]);
    const path = [];
    for (let n = el; n && n !== document.body; n = n.parentElement) {
      path.unshift(`${n.tagName.toLowerCase()}:${[...n.parentElement.children].indexOf(n)}`);
    }
    const text = (el.getAttribute('aria-label') || el.textContent || el.value || '').trim().replace(/\s+/g, ' ');
    return {
      key: path.join('>'),
      element: `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className ? `.${String(el.className).split(' ').join('.')}` : ''} "${text.slice(0, 40)}"`,
      indicator: best[0] ? `${best[0][0]} ${best[0][1].toFixed(2)}:1` : 'none',
      contrast: best[0] ? best[0][1] : 0,
    };
  });
}

// Presses `key` until the focused element matches `selector`; the presses it took.
async function pressUntil(page, key, selector, max = 60) {
  for (let presses = 1; presses <= max; presses += 1) {
    await page.keyboard.press(key);
    if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return presses;
  }
  throw new Error(`${max} presses of ${key} never reached ${selector}`);
}

const activeMatches = (page, selector) => page.evaluate((s) => Boolean(document.activeElement?.matches(s)), selector);

// Runs one keyboard flow; a failure is recorded as a failed check instead of ending the script.
async function flow(name, path, body) {
  const page = await context.newPage();
  const problems = collectProblems(page);
  try {
    const response = await page.goto(base + path);
    await body(page);
    // A missing page is served with status 404, which Chromium reports.
    const real = problems.filter((p) => !(response.status() === 404 && p.includes('status of 404')));
    check(`${name}: no console problems`, real.length === 0, real.join('; ') || 'none');
  } catch (error) {
    check(name, false, String(error).split('\n')[0]);
  }
  await page.close();
}

// 1. The quick exit comes first, and Enter on it leaves.
const KINDS = ['', 'schools/', school, 'testimonies/', warned, 'updates/', 'tags/', 'about/', 'search/', 'nowhere/'];
for (const path of KINDS) {
  await flow(`quick exit on /${path}`, path, async (page) => {
    await page.keyboard.press('Tab');
    const first = await inspectFocus(page);
    check(`quick exit is the first Tab stop on /${path}`, await activeMatches(page, 'a.quick-exit'), first?.element ?? 'nothing');
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => !url.href.startsWith(base), { timeout: 5000 }).catch(() => null);
    check(`Enter on the quick exit leaves /${path}`, !page.url().startsWith(base), page.url());
  });
}

// 2. Every stop, forwards and backwards, with a visible focus indicator.
async function walk(page, label) {
  const stops = [];
  let end = 'trapped';
  while (stops.length < MAX_STOPS) {
    await page.keyboard.press('Tab');
    const stop = await inspectFocus(page);
    if (!stop) { end = 'left the page'; break; }
    if (stops.some((s) => s.key === stop.key)) { end = `came back to ${stop.element}`; break; }
    stops.push(stop);
  }
  const back = [];
  for (let i = 0; i < stops.length; i += 1) {
    await page.keyboard.press('Shift+Tab');
    back.push((await inspectFocus(page))?.key ?? null);
  }
  stopsSeen += stops.length;
  check(`${label}: Tab reaches the end of the page (${stops.length} stops)`, end === 'left the page', end);
  const reversed = stops.map((s) => s.key).reverse();
  const differs = back.findIndex((key, i) => key !== reversed[i]);
  check(`${label}: Shift+Tab walks the same stops back`, differs === -1,
    differs === -1 ? 'same' : `step ${differs + 1} reached ${back[differs]}, not ${reversed[differs]}`);
  const hidden = stops.filter((s) => s.contrast < 3);
  const weakest = stops.reduce((w, s) => (!w || s.contrast < w.contrast ? s : w), null);
  check(`${label}: focus is visible on every stop`, stops.length > 0 && hidden.length === 0,
    hidden.map((s) => `${s.element} (${s.indicator})`).join('; ') ||
    `weakest: ${weakest?.element} (${weakest?.indicator})`);
}

const WALKS = [
  ['home', ''], ['schools', 'schools/'], ['school', school], ['testimony, warning closed', warned],
  ['testimony, warning opened', warned, async (page) => {
    await pressUntil(page, 'Tab', 'details.cw > summary');
    await page.keyboard.press('Enter'); // the walk goes on from the opened control
  }],
  ['updates', 'updates/'],
  ['search results', `search/?q=${encodeURIComponent(query)}`, waitForAnswer],
];
for (const scheme of ['light', 'dark']) {
  for (const [label, path, prepare] of WALKS) {
    await flow(`${label} (${scheme})`, path, async (page) => {
      await page.emulateMedia({ colorScheme: scheme });
      if (prepare) await prepare(page);
      await walk(page, `${label} (${scheme})`);
    });
  }
}

// 3. The content warning opens and closes with Enter and Space.
await flow('content warning', warned, async (page) => {
  await pressUntil(page, 'Tab', 'details.cw > summary, button[aria-expanded]');
  const control = await page.evaluate(() => document.activeElement.tagName.toLowerCase());
  check('the content warning control is a <summary> or <button>', ['summary', 'button'].includes(control), control);
  const shown = () => page.evaluate(() => {
    const body = document.querySelector('.testimony-body');
    return Boolean(body && body.checkVisibility() && body.textContent.trim());
  });
  const before = await shown();
  await page.keyboard.press('Enter');
  const afterEnter = await shown();
  await page.keyboard.press('Space');
  const afterSpace = await shown();
  await page.keyboard.press('Space');
  const afterSecondSpace = await shown();
  check('the testimony is closed until asked for', !before, String(before));
  check('Enter opens the testimony', afterEnter, String(afterEnter));
  check('Space closes and opens it again', !afterSpace && afterSecondSpace, `${afterSpace}, ${afterSecondSpace}`);
});

// 4. The search page, by keyboard from the top.
const status = (page) => page.textContent('#search-status');
const resultLinks = (page) => page.$$eval('#search-results li.result h2 a', (as) => as.map((a) => a.getAttribute('href')));
async function nextAnswer(page, previous) {
  await page.waitForFunction((before) => document.getElementById('search-status').textContent !== before,
    previous, { timeout: 10000 });
  await waitForAnswer(page);
}
await flow('search by keyboard', 'search/', async (page) => {
  await page.waitForSelector('#search-app[data-state="ready"]', { timeout: 30000 });
  const empty = await status(page);
  await pressUntil(page, 'Tab', '#search-q');
  await page.keyboard.type(query);
  await page.keyboard.press('Enter');
  await nextAnswer(page, empty);
  const found = { status: await status(page), links: await resultLinks(page) };
  check('typing words and Enter shows results', found.links.length > 0, found.status);

  // A school, from the suggestions, with the arrow keys.
  const schoolName = await page.$eval('#search-results .meta', (m) => m.textContent.split('·')[1].split(',')[0].trim());
  await pressUntil(page, 'Tab', '#search-school');
  await page.keyboard.type(schoolName);
  await page.waitForSelector('#search-school-suggestions:not([hidden]) [data-slug]');
  await page.keyboard.press('Escape');
  const closed = await page.evaluate(() => document.getElementById('search-school-suggestions').hidden &&
    document.activeElement.id === 'search-school');
  check('Escape closes the school suggestions and stays in the box', closed, String(closed));
  await page.keyboard.press('ArrowDown');
  await page.waitForSelector('#search-school-suggestions:not([hidden]) [data-slug]');
  const listbox = await page.evaluate(() => {
    const input = document.getElementById('search-school');
    const list = document.getElementById('search-school-suggestions');
    const active = document.getElementById(input.getAttribute('aria-activedescendant') || '');
    return { role: input.getAttribute('role'), expanded: input.getAttribute('aria-expanded'), list: list.getAttribute('role'),
      active: active ? active.textContent : null, selected: active?.getAttribute('aria-selected') ?? null,
      focus: document.activeElement.id };
  });
  check('the school box is a combobox whose listbox the arrow keys move through',
    listbox.role === 'combobox' && listbox.expanded === 'true' && listbox.list === 'listbox' &&
    listbox.selected === 'true' && listbox.focus === 'search-school', JSON.stringify(listbox));
  const beforeSchool = await status(page);
  await page.keyboard.press('Enter');
  await nextAnswer(page, beforeSchool);
  const atSchool = { status: await status(page), links: await resultLinks(page) };
  check('Enter on a suggested school filters the results to it',
    atSchool.status.includes(` at ${listbox.active?.replace(/ (–|\().*$/, '')}.`) &&
    atSchool.links.length > 0 && parseInt(atSchool.status, 10) < parseInt(found.status, 10),
    `${found.status} → ${atSchool.status}`);

  // Back to every school (the "Remove school filter" button), then a topic with the arrow keys.
  const beforeClear = await status(page);
  await pressUntil(page, 'Tab', '#search-school-clear');
  await page.keyboard.press('Enter');
  await nextAnswer(page, beforeClear);
  check('Enter on "Remove school filter" brings every school back', (await status(page)) === found.status, await status(page));
  await pressUntil(page, 'Tab', '#search-tag');
  const topic = await narrowestOption(page, '#search-tag');
  for (let i = 0; i < topic.index; i += 1) await page.keyboard.press('ArrowDown');
  await page.waitForFunction((n) => document.getElementById('search-status').textContent.startsWith(`${n} testimon`),
    topic.count, { timeout: 10000 }).catch(() => null);
  const byTopic = { status: await status(page), links: await resultLinks(page) };
  check('arrow keys on the topic filter change the counts and results',
    byTopic.links.length === topic.count && byTopic.status.startsWith(`${topic.count} testimon`) &&
    byTopic.links.every((l) => found.links.includes(l)) && topic.count < parseInt(found.status, 10),
    `${topic.label}: ${byTopic.status}`);

  await pressUntil(page, 'Tab', '#search-results li.result h2 a');
  const href = await page.evaluate(() => document.activeElement.getAttribute('href'));
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => url.pathname === href, { timeout: 5000 }).catch(() => null);
  check('Enter on a result opens its testimony', new URL(page.url()).pathname === href && byTopic.links.includes(href),
    page.url());
});

// 5. The home page's school finder.
await flow('school finder by keyboard', '', async (page) => {
  await pressUntil(page, 'Tab', '#finder-input');
  const name = await page.evaluate(() => fetch('schools.json').then((r) => r.json()).then((s) => s[0]));
  await page.keyboard.type(name.name.slice(0, 6));
  await page.waitForSelector('[data-finder-list] a');
  await page.keyboard.press('ArrowDown');
  const href = await page.evaluate(() => document.activeElement.closest('[data-finder-list]') && document.activeElement.href);
  check('ArrowDown in the school finder moves to the first school', Boolean(href), String(href));
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => url.href === href, { timeout: 5000 }).catch(() => null);
  check('Enter opens that school’s page', page.url() === href && new URL(href).pathname.startsWith('/schools/'), page.url());
});

await browser.close();
console.log(JSON.stringify({ checks, stops: stopsSeen }));
