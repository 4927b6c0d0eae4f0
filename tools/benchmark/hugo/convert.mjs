// Writes a Hugo site for the benchmark's peers from a generated testimony archive: the approved
// testimonies of SITE/content/testimonies/ as Hugo content with `schools:` front matter (each
// school by its registry name), the minimal theme beside this file, and a search page that uses
// Pagefind's default UI (its files appear once Pagefind has indexed Hugo's output).
//
// Usage: node convert.mjs SITE OUT
// OUT is replaced. Prints one line: how many testimonies it wrote.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const [site, out] = process.argv.slice(2);
if (!site || !out) {
  console.error('usage: node convert.mjs SITE OUT');
  process.exit(2);
}
const here = path.dirname(fileURLToPath(import.meta.url));

// A school is referred to by its slug, name, any alias or any former name, compared ignoring
// case and punctuation.
const key = (text) => text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
const unquote = (text) => text.trim().replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
const list = (text) => {
  const inner = text.trim().replace(/^\[/, '').replace(/\]$/, '');
  return inner ? inner.split(',').map(unquote) : [];
};

const schools = new Map();
let current = null;
for (const line of fs.readFileSync(path.join(site, 'content/schools.yaml'), 'utf8').split('\n')) {
  const item = /^- name:\s*(.+)$/.exec(line);
  if (item) {
    current = unquote(item[1]);
    schools.set(key(current), current);
    continue;
  }
  const field = /^\s+(slug|aliases|former_names):\s*(.+)$/.exec(line);
  if (current && field) {
    const names = field[1] === 'slug' ? [unquote(field[2])] : list(field[2]);
    for (const name of names) schools.set(key(name), current);
  }
}

function* markdown(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* markdown(file);
    else if (entry.name.endsWith('.md')) yield file;
  }
}

fs.rmSync(out, { recursive: true, force: true });
const content = path.join(out, 'content/testimonies');
fs.mkdirSync(content, { recursive: true });
fs.cpSync(path.join(here, 'theme'), path.join(out, 'themes/minimal'), { recursive: true });
fs.copyFileSync(path.join(here, 'hugo.yaml'), path.join(out, 'hugo.yaml'));
fs.writeFileSync(path.join(out, 'content/_index.md'), '---\ntitle: Testimonies by school\n---\n');
fs.writeFileSync(path.join(out, 'content/testimonies/_index.md'), '---\ntitle: Testimonies\n---\n');
fs.writeFileSync(path.join(out, 'content/search.md'), '---\ntitle: Search\nlayout: search\n---\n');

let written = 0;
for (const file of markdown(path.join(site, 'content/testimonies'))) {
  const text = fs.readFileSync(file, 'utf8');
  const match = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text);
  if (!match) continue;
  const front = {};
  for (const line of match[1].split('\n')) {
    const field = /^(\w+):\s*(.*)$/.exec(line);
    if (field) front[field[1]] = field[2];
  }
  if (front.status?.trim() !== 'approved') continue;
  const names = list(front.schools ?? '').map((ref) => schools.get(key(ref)) ?? ref);
  const id = front.id.trim();
  const title = front.title ? unquote(front.title) : `Testimony ${id}`;
  // JSON strings are YAML strings: nothing in a title or name needs more care.
  const hugoFront = [
    `title: ${JSON.stringify(title)}`,
    `date: ${front.published.trim()}`,
    `schools: ${JSON.stringify([...new Set(names)])}`,
  ].join('\n');
  fs.writeFileSync(path.join(content, `${id}.md`), `---\n${hugoFront}\n---\n${match[2]}`);
  written += 1;
}
console.log(`${written} testimonies`);
