// Bundles the default theme's search modules with esbuild: search/search.js and the modules it
// imports into search/search.bundle.js, and search/worker.js and its imports into
// search/worker.bundle.js. A reader's first search then downloads two scripts instead of a
// dozen modules one import after another. The bundles are committed beside the modules they are
// made from, and the binary embeds both: a site that overrides one of the modules gets the
// modules instead of the bundle (src/render/assets.rs).
//
// Usage: node tools/bundle/bundle.mjs           writes the bundles
//        node tools/bundle/bundle.mjs --check   fails, naming the bundle, if one is not what
//                                               the modules make (run by the tests)

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const searchDir = path.resolve(here, '../../themes/default/static/search');
const ENTRIES = ['search.js', 'worker.js'];

/* `search.js` → `search.bundle.js`. */
const bundleName = (entry) => entry.replace(/\.js$/, '.bundle.js');

async function bundle(entry) {
  const result = await esbuild.build({
    // Paths from the theme's static folder, as esbuild's comments name each module: the
    // same on every machine, wherever this is run from.
    absWorkingDir: path.dirname(searchDir),
    entryPoints: [`search/${entry}`],
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2022',
    charset: 'utf8',
    legalComments: 'none',
    logLevel: 'silent',
    banner: {
      js: `/* search/${entry} and the modules it imports, bundled by tools/bundle/bundle.mjs ` +
        '(esbuild). Do not edit: edit the modules, then run `node tools/bundle/bundle.mjs`. */',
    },
  });
  return result.outputFiles[0].text;
}

const check = process.argv.includes('--check');
let stale = 0;
for (const entry of ENTRIES) {
  const text = await bundle(entry);
  const file = path.join(searchDir, bundleName(entry));
  if (!check) {
    fs.writeFileSync(file, text);
    console.log(`wrote ${path.relative(process.cwd(), file)} (${text.length} bytes)`);
  } else if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text) {
    console.error(`${path.relative(process.cwd(), file)} is not what search/${entry} and its ` +
      'imports make now: run `node tools/bundle/bundle.mjs` and commit the bundle.');
    stale += 1;
  }
}
process.exit(stale ? 1 : 0);
