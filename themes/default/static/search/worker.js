/* testimony search worker: runs the search runtime (WebAssembly) off the page's main thread.
 *
 * Started by search.js as a module worker, `new Worker(<fingerprinted URL of this file>,
 * {type: 'module'})`; its imports are same-origin files of the theme, so it works under the
 * site's CSP (worker-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self').
 * This module is the message loop, and downloads the chunks of the index a call needs: the
 * runtime answers a call it cannot finish with every chunk that step needs, which are fetched
 * in parallel and handed over, and the call is made again (a few rounds the first time a
 * query runs, none once its chunks are held). open-index.js loads the index,
 * runtime-bridge.js talks to the runtime, index-files.js downloads.
 *
 * Messages in (page → worker), each may carry an `id` that the answer repeats:
 *   {type: "init", manifest: "<absolute URL of search/manifest.json>", files}   (`files`, if
 *                                  given: index-files.js's initialFiles, already downloaded)
 *   {type: "search", id, request: {query, school, kind, region, tag, year, limit, offset,
 *                                  counts}}
 *   {type: "snippets", id, query, texts}    (the texts of results, from their pages)
 *   {type: "suggest", id, text, limit}
 * Messages out (worker → page):
 *   {type: "ready", id, doc_count, catalog, unfiltered}   (what the runtime's tm_open answers)
 *   {type: "results", id, results}          (SearchResults, see crates/search/src/lib.rs)
 *   {type: "snippets", id, snippets}        ([[SnippetPart]], one list a text)
 *   {type: "suggestions", id, schools}      ([SchoolMatch])
 *   {type: "error", id, message}
 */

import { openIndex } from './open-index.js';

/* More rounds than any query takes: a runtime still asking after this many is stuck. */
const MAX_ROUNDS = 12;

let manifestUrl = null;
let given = null; /* the initial files the page downloaded, used once */
let loading = null; /* Promise of {runtime, files, ready} while or once the index is loaded */

function load() {
  if (loading) return loading;
  if (!manifestUrl) return Promise.reject(new Error('The search was not started.'));
  loading = openIndex(manifestUrl, given);
  given = null;
  /* A failed load may be retried by the next message. */
  loading.catch(() => { loading = null; });
  return loading;
}

/* Calls the runtime's `name` with `value`, downloading what it needs between rounds. */
async function run(name, value) {
  const { runtime, files } = await load();
  try {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const { answer, need } = runtime.call(name, value);
      if (!need) return answer;
      const chunks = await Promise.all(need.map(async (chunk) =>
        ({ chunk, data: await files.get(chunk.path, 'search index') })));
      for (const { chunk, data } of chunks) runtime.addChunk(chunk.file, chunk.chunk, data);
    }
    throw new Error('The search could not finish. Please try again.');
  } catch (error) {
    if (error instanceof WebAssembly.RuntimeError) {
      /* The runtime trapped (out of memory?): start a fresh one next time. */
      loading = null;
      throw new Error('The search stopped unexpectedly. Please try again.');
    }
    throw error;
  }
}

/* Whether `files` has the initial files: bytes, and the runtime compiled or as bytes. */
function usable(files) {
  return !!files && ['manifest', 'hot']
    .every((name) => files[name] instanceof Uint8Array) &&
    (files.runtime instanceof Uint8Array || files.runtime instanceof WebAssembly.Module);
}

/* What each message asks for: a Promise of the answer (without its id). */
const requests = {
  init(message) {
    manifestUrl = message.manifest;
    given = usable(message.files) ? message.files : null;
    return load().then(({ ready }) => ({ ...ready, type: 'ready' }));
  },
  search(message) {
    return run('tm_search', message.request || {})
      .then((results) => ({ type: 'results', results }));
  },
  snippets(message) {
    const request = {
      query: String(message.query || ''),
      texts: Array.isArray(message.texts) ? message.texts.map(String) : []
    };
    return run('tm_snippets', request).then((snippets) => ({ type: 'snippets', snippets }));
  },
  suggest(message) {
    /* A limit of 0 leaves the number to the runtime. */
    const request = { text: String(message.text || ''), limit: message.limit || 0 };
    return run('tm_suggest_schools', request).then((schools) => ({ type: 'suggestions', schools }));
  }
};

self.onmessage = (event) => {
  const message = event.data || {};
  const reply = (answer) => self.postMessage({ ...answer, id: message.id });
  const refuse = (text) => reply({ type: 'error', message: text });
  if (!Object.hasOwn(requests, message.type)) {
    refuse('Unknown request.');
  } else if (message.type === 'init' && typeof message.manifest !== 'string') {
    refuse('No search index given.');
  } else {
    requests[message.type](message).then(reply)
      .catch((error) => refuse(String((error && error.message) || error)));
  }
};
