// Runs themes/default/static/search/worker.js — the real module the search page starts as a
// module worker, with the modules it imports — in Node, against a built site's output folder,
// and prints what the worker answered as JSON.
//
//   node tests/js/run_worker.mjs <worker.js> <output dir> '<JSON array of messages>'
//
// The worker sees a `self` with fetch() (serving files from the output folder, like a static
// host), postMessage() and WebAssembly: what a browser's worker scope gives it. After the
// messages, the runtime's exports are also called directly with bad input, which must give
// error JSON, never a trap. Used by tests/search_runtime_node.rs.

import { readFile } from 'node:fs/promises';
import { register } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [workerPath, outputDir, messagesJson] = process.argv.slice(2);
const messages = JSON.parse(messagesJson || '[]');
const ORIGIN = 'http://site.test';
const fetched = [];

async function fakeFetch(url) {
  const { pathname } = new URL(url);
  fetched.push(pathname);
  const file = path.join(outputDir, ...decodeURIComponent(pathname).split('/').filter(Boolean));
  if (!file.startsWith(path.resolve(outputDir))) return new Response('', { status: 403 });
  try {
    return new Response(await readFile(file), { status: 200 });
  } catch {
    return new Response('not found', { status: 404 });
  }
}

const answers = [];
let waiting = null;
const scope = {
  fetch: fakeFetch,
  WebAssembly,
  location: { href: `${ORIGIN}/search/` },
  postMessage(message) {
    answers.push(structuredClone(message));
    if (waiting) waiting();
  },
  onmessage: null,
};

// The theme's modules are .js files outside any package.json: have Node load the worker's
// folder as ES modules, as a browser does a module worker.
const folder = pathToFileURL(path.dirname(path.resolve(workerPath)) + path.sep).href;
register('data:text/javascript,' + encodeURIComponent(`
  export function load(url, context, next) {
    return next(url, url.startsWith(${JSON.stringify(folder)}) ? { ...context, format: 'module' } : context);
  }`));
globalThis.self = scope;
await import(pathToFileURL(path.resolve(workerPath)).href);

function send(message) {
  const before = answers.length;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer to ${JSON.stringify(message)}`)), 30000);
    waiting = () => {
      if (answers.length > before) {
        clearTimeout(timer);
        waiting = null;
        resolve(answers[answers.length - 1]);
      }
    };
    scope.onmessage({ data: structuredClone(message) });
  });
}

const started = performance.now();
const ready = await send({ type: 'init', id: 0, manifest: `${ORIGIN}/search/manifest.json` });
const loadMs = performance.now() - started;
const fetchedAtInit = fetched.length;
const replies = [];
const timings = [];
for (const message of messages) {
  const t = performance.now();
  replies.push(await send(message));
  timings.push(performance.now() - t);
}

// Direct calls with bad input: every one must answer error JSON, none may trap.
const manifest = JSON.parse(await readFile(path.join(outputDir, 'search', 'manifest.json'), 'utf8'));
const wasmBytes = await readFile(path.join(outputDir, 'search', manifest.runtime));
const module = await WebAssembly.compile(wasmBytes);
const { exports } = await WebAssembly.instantiate(module, {});
function callRaw(name, bytes) {
  const ptr = exports.tm_alloc(bytes.length);
  new Uint8Array(exports.memory.buffer, ptr, bytes.length).set(bytes);
  let status;
  try {
    status = exports[name](ptr, bytes.length);
  } catch (error) {
    return { status: 'trap', error: String(error) };
  } finally {
    exports.tm_free(ptr, bytes.length);
  }
  const out = new Uint8Array(exports.memory.buffer, exports.tm_output_ptr(), exports.tm_output_len());
  return { status, answer: JSON.parse(new TextDecoder().decode(out.slice())) };
}
const enc = (s) => new TextEncoder().encode(s);
const robustness = {
  search_before_open: callRaw('tm_search', enc('{"query":"bus"}')),
  open_bad_manifest: callRaw('tm_open', enc('not json')),
  open_hot_file_as_manifest: callRaw('tm_open', await readFile(path.join(outputDir, 'search', manifest.hot_file))),
  search_invalid_utf8: callRaw('tm_search', new Uint8Array([0xff, 0xfe, 0x00])),
  suggest_bad_json: callRaw('tm_suggest_schools', enc('{"text": 3}')),
  snippets_before_open: callRaw('tm_snippets', enc('{"query":"bus","texts":["a bus"]}')),
};

console.log(JSON.stringify({
  ready,
  replies,
  robustness,
  imports: WebAssembly.Module.imports(module),
  exports: WebAssembly.Module.exports(module).map((e) => e.name),
  fetched,
  fetched_at_init: fetchedAtInit,
  load_ms: loadMs,
  query_ms: timings,
}));
