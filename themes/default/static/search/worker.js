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
 * The runtime exports plain C functions (src/search/wasm.rs): tm_alloc/tm_free, tm_add_file,
 * tm_open, tm_search, tm_suggest_schools, and tm_output_ptr/tm_output_len for the JSON answer.
 * It imports nothing.
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

  function load() {
    if (loading) return loading;
    if (!manifestUrl) return Promise.reject(new Error('The search was not started.'));
    loading = fetchManifest(manifestUrl).then(function (manifest) {
      if (!manifest || manifest.format !== 1) {
        throw new Error('The search index has a format this page does not know. Reload the page.');
      }
      var base = new URL(manifestUrl, scope.location ? scope.location.href : undefined);
      var url = function (file) { return new URL(file, base).href; };
      var runtime = fetchBytes(url(manifest.runtime), 'search program').then(function (bytes) {
        return scope.WebAssembly.instantiate(bytes, {});
      });
      var catalog = fetchBytes(url(manifest.catalog), 'list of schools');
      var files = Promise.all(manifest.index.map(function (file) {
        return fetchBytes(url(file.file), 'search index').then(function (bytes) {
          return { name: file.name, bytes: new Uint8Array(bytes) };
        });
      }));
      return Promise.all([runtime, catalog, files]).then(function (parts) {
        var exports = parts[0].instance.exports;
        parts[2].forEach(function (file) {
          var name = encoder.encode(file.name);
          var data = copyIn(exports, file.bytes); /* ownership passes to the runtime */
          var namePtr = copyIn(exports, name);
          var status;
          try {
            status = exports.tm_add_file(namePtr, name.length, data, file.bytes.length);
          } finally {
            exports.tm_free(namePtr, name.length);
          }
          if (status !== 0) throw new Error(output(exports).error);
        });
        var ready = call(exports, 'tm_open', new Uint8Array(parts[1]));
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
