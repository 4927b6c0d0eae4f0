/* testimony search worker: runs the search runtime (WebAssembly) off the page's main thread.
 *
 * Started by search.js as `new Worker(<fingerprinted URL of this file>)`. Same-origin and
 * self-contained (no importScripts, no modules), so it works under the site's CSP
 * (worker-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self').
 *
 * Messages in (page → worker), each may carry an `id` that the answer repeats:
 *   {type: "init", manifest: "<absolute URL of search/manifest.json>"}
 *   {type: "search", id, request: {query, school, kind, region, tag, year, limit, offset}}
 *   {type: "suggest", id, text, limit}
 * Messages out (worker → page):
 *   {type: "ready", doc_count, catalog}
 *   {type: "results", id, results}          (SearchResults, see src/search/mod.rs)
 *   {type: "suggestions", id, schools}      ([SchoolMatch])
 *   {type: "error", id, message}
 *
 * The runtime exports plain C functions (src/search/wasm.rs): tm_alloc/tm_free, tm_add_chunk,
 * tm_open, tm_search, tm_suggest_schools, and tm_output_ptr/tm_output_len for the JSON answer.
 *
 * The index comes in chunks (search/<hash>.<n>.bin, see src/search/bundle.rs). The worker
 * downloads the manifest's "hot" chunks up front, in parallel; the runtime asks for any other
 * chunk the first time a query reads it, through its one import, env.tm_fetch, which this
 * worker answers with a synchronous same-origin request (allowed in workers). Chunks are
 * content-addressed and cached by the browser, and the runtime keeps each one it has.
 */
'use strict';

(function (scope) {
  var manifestUrl = null;
  var loading = null; /* Promise of {exports, ready} while or once the index is loaded */
  var encoder = new TextEncoder();
  var decoder = new TextDecoder();

  function fetchBytes(url, what) {
    return scope.fetch(url, { credentials: 'same-origin' }).then(function (response) {
      if (!response.ok) {
        throw new Error('Could not download the ' + what + ' (' + response.status + ').');
      }
      return response.arrayBuffer();
    });
  }

  function fetchManifest(url) {
    /* The manifest is not content-addressed: always revalidate it. */
    return scope.fetch(url, { credentials: 'same-origin', cache: 'no-cache' }).then(function (response) {
      if (!response.ok) {
        throw new Error('Could not download the search index (' + response.status + ').');
      }
      return response.json();
    });
  }

  /* Copies bytes into the runtime's memory; returns the pointer (owned by the caller). */
  function copyIn(exports, bytes) {
    var ptr = exports.tm_alloc(bytes.length);
    if (bytes.length > 0 && ptr === 0) {
      throw new Error('The search index does not fit in memory.');
    }
    new Uint8Array(exports.memory.buffer, ptr, bytes.length).set(bytes);
    return ptr;
  }

  function output(exports) {
    var ptr = exports.tm_output_ptr();
    var len = exports.tm_output_len();
    /* Copy out: a later call may move or free the buffer. */
    return JSON.parse(decoder.decode(new Uint8Array(exports.memory.buffer, ptr, len).slice()));
  }

  /* Calls an export that takes one JSON/bytes argument and answers JSON. */
  function call(exports, name, bytes) {
    var ptr = copyIn(exports, bytes);
    var status;
    try {
      status = exports[name](ptr, bytes.length);
    } finally {
      exports.tm_free(ptr, bytes.length);
    }
    var answer = output(exports);
    if (status !== 0) {
      throw new Error(answer && answer.error ? answer.error : 'The search failed.');
    }
    return answer;
  }

  function chunkUrl(base, file, number) {
    return new URL(file.hash + '.' + number + '.bin', base).href;
  }

  function chunkLength(file, number) {
    return Math.min(file.chunk_size, file.bytes - number * file.chunk_size);
  }

  /* env.tm_fetch: fills `len` bytes at `ptr` with a chunk the runtime needs now. */
  function fetcher(state) {
    return function (fileNumber, number, ptr, len) {
      try {
        var file = state.manifest.index[fileNumber];
        if (!file || chunkLength(file, number) !== len) return 1;
        var request = new scope.XMLHttpRequest();
        request.open('GET', chunkUrl(state.base, file, number), false);
        request.responseType = 'arraybuffer';
        request.send();
        if (request.status !== 200 || !request.response || request.response.byteLength !== len) {
          return 1;
        }
        new Uint8Array(state.exports.memory.buffer, ptr, len).set(new Uint8Array(request.response));
        return 0;
      } catch (error) {
        return 1;
      }
    };
  }

  function load() {
    if (loading) return loading;
    if (!manifestUrl) return Promise.reject(new Error('The search was not started.'));
    loading = fetchManifest(manifestUrl).then(function (manifest) {
      if (!manifest || manifest.format !== 2) {
        throw new Error('The search index has a format this page does not know. Reload the page.');
      }
      var base = new URL(manifestUrl, scope.location ? scope.location.href : undefined);
      var url = function (file) { return new URL(file, base).href; };
      var state = { manifest: manifest, base: base, exports: null };
      var runtime = fetchBytes(url(manifest.runtime), 'search program').then(function (bytes) {
        return scope.WebAssembly.instantiate(bytes, { env: { tm_fetch: fetcher(state) } });
      });
      var catalog = fetchBytes(url(manifest.catalog), 'list of schools');
      var hot = Promise.all(manifest.hot.map(function (pair) {
        var file = manifest.index[pair[0]];
        if (!file) throw new Error('The search index is damaged. Reload the page.');
        return fetchBytes(chunkUrl(base, file, pair[1]), 'search index').then(function (bytes) {
          return { file: pair[0], number: pair[1], bytes: new Uint8Array(bytes) };
        });
      }));
      return Promise.all([runtime, catalog, hot]).then(function (parts) {
        var exports = parts[0].instance.exports;
        state.exports = exports;
        parts[2].forEach(function (chunk) {
          var data = copyIn(exports, chunk.bytes); /* ownership passes to the runtime */
          if (exports.tm_add_chunk(chunk.file, chunk.number, data, chunk.bytes.length) !== 0) {
            throw new Error(output(exports).error);
          }
        });
        var manifestBytes = encoder.encode(JSON.stringify(manifest));
        var catalogBytes = new Uint8Array(parts[1]);
        var manifestPtr = copyIn(exports, manifestBytes);
        var catalogPtr = copyIn(exports, catalogBytes);
        var status;
        try {
          status = exports.tm_open(manifestPtr, manifestBytes.length, catalogPtr, catalogBytes.length);
        } finally {
          exports.tm_free(manifestPtr, manifestBytes.length);
          exports.tm_free(catalogPtr, catalogBytes.length);
        }
        var ready = output(exports);
        if (status !== 0) throw new Error(ready.error || 'The search index could not be opened.');
        return { exports: exports, ready: ready };
      });
    });
    /* A failed load may be retried by the next message. */
    loading.catch(function () { loading = null; });
    return loading;
  }

  function run(name, value) {
    return load().then(function (runtime) {
      try {
        return call(runtime.exports, name, encoder.encode(JSON.stringify(value)));
      } catch (error) {
        if (error instanceof scope.WebAssembly.RuntimeError) {
          /* The runtime trapped (out of memory?): start a fresh one next time. */
          loading = null;
          throw new Error('The search stopped unexpectedly. Please try again.');
        }
        throw error;
      }
    });
  }

  function reply(message) {
    scope.postMessage(message);
  }

  scope.onmessage = function (event) {
    var message = event.data || {};
    var id = message.id;
    var work;
    if (message.type === 'init') {
      if (typeof message.manifest !== 'string') {
        reply({ type: 'error', id: id, message: 'No search index given.' });
        return;
      }
      manifestUrl = message.manifest;
      work = load().then(function (runtime) {
        reply({
          type: 'ready',
          id: id,
          doc_count: runtime.ready.doc_count,
          catalog: runtime.ready.catalog
        });
      });
    } else if (message.type === 'search') {
      work = run('tm_search', message.request || {}).then(function (results) {
        reply({ type: 'results', id: id, results: results });
      });
    } else if (message.type === 'suggest') {
      work = run('tm_suggest_schools', {
        text: String(message.text || ''),
        limit: message.limit || 8
      }).then(function (schools) {
        reply({ type: 'suggestions', id: id, schools: schools });
      });
    } else {
      reply({ type: 'error', id: id, message: 'Unknown request.' });
      return;
    }
    work.catch(function (error) {
      reply({ type: 'error', id: id, message: String((error && error.message) || error) });
    });
  };
})(self);
