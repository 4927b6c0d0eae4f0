/* search/worker.js and the modules it imports, bundled by tools/bundle/bundle.mjs (esbuild). Do not edit: edit the modules, then run `node tools/bundle/bundle.mjs`. */

// search/index-files.js
var UNKNOWN_FORMAT = "The search index has a format this page does not know. Reload the page.";
function indexFiles(manifestUrl2) {
  const base = new URL(manifestUrl2, self.location ? self.location.href : void 0);
  const url = (path) => new URL(path, base).href;
  async function download(path, what) {
    const response = await self.fetch(url(path), { credentials: "same-origin" });
    if (!response.ok) {
      throw new Error("Could not download the " + what + " (" + response.status + ").");
    }
    return response;
  }
  return {
    /* The manifest, parsed, and its bytes as downloaded (for the runtime to check). */
    async manifest() {
      const response = await self.fetch(manifestUrl2, {
        credentials: "same-origin",
        cache: "no-cache"
      });
      if (!response.ok) {
        throw new Error("Could not download the search index (" + response.status + ").");
      }
      const text = await response.text();
      const manifest = JSON.parse(text);
      if (!readable(manifest)) throw new Error(UNKNOWN_FORMAT);
      return { manifest, bytes: new TextEncoder().encode(text) };
    },
    /* A file the manifest names, as bytes. */
    async get(path, what) {
      return new Uint8Array(await (await download(path, what)).arrayBuffer());
    },
    /* The runtime at `path`, compiled as it downloads (where the host sends it as
       application/wasm; else downloaded, then compiled). */
    async compiled(path) {
      const response = await download(path, "search program");
      if (WebAssembly.compileStreaming && (response.headers.get("Content-Type") || "").startsWith("application/wasm")) {
        return WebAssembly.compileStreaming(response);
      }
      return WebAssembly.compile(await response.arrayBuffer());
    }
  };
}
async function initialFiles(manifestUrl2, compile) {
  const files = indexFiles(manifestUrl2);
  const { manifest, bytes } = await files.manifest();
  const [runtime, hot] = await Promise.all([
    compile ? files.compiled(manifest.runtime) : files.get(manifest.runtime, "search program"),
    files.get(manifest.hot_file, "search index")
  ]);
  return { manifest: bytes, runtime, hot };
}
function readable(manifest) {
  return !!manifest && typeof manifest.runtime === "string" && typeof manifest.hot_file === "string";
}

// search/runtime-bridge.js
var encoder = new TextEncoder();
var decoder = new TextDecoder();
async function startRuntime(program) {
  const { exports } = program instanceof WebAssembly.Module ? await WebAssembly.instantiate(program, {}) : (await WebAssembly.instantiate(program, {})).instance;
  function copyIn(data) {
    const ptr = exports.tm_alloc(data.length);
    if (data.length > 0 && ptr === 0) {
      throw new Error("The search index does not fit in memory.");
    }
    new Uint8Array(exports.memory.buffer, ptr, data.length).set(data);
    return ptr;
  }
  function output() {
    const { buffer } = exports.memory;
    const view = new Uint8Array(buffer, exports.tm_output_ptr(), exports.tm_output_len());
    return JSON.parse(decoder.decode(view.slice()));
  }
  function callWith(name, args, failure) {
    const ptrs = args.map(copyIn);
    let status;
    try {
      status = exports[name](...ptrs.flatMap((ptr, i) => [ptr, args[i].length]));
    } finally {
      ptrs.forEach((ptr, i) => exports.tm_free(ptr, args[i].length));
    }
    const answer = output();
    if (status === 2) return { need: answer.need };
    if (status !== 0) throw new Error(answer && answer.error || failure);
    return { answer };
  }
  return {
    /* Opens the index: the runtime checks the manifest and answers what tm_open answers. */
    open(manifestBytes, hotBytes) {
      return callWith(
        "tm_open",
        [manifestBytes, hotBytes],
        "The search index could not be opened."
      ).answer;
    },
    /* Hands over a chunk a call said it needs; the bytes become the runtime's. */
    addChunk(file, chunk, data) {
      if (exports.tm_add_chunk(file, chunk, copyIn(data), data.length) !== 0) {
        throw new Error(output().error);
      }
    },
    /* Calls an export that takes one JSON argument (`value`): {answer} or {need}. */
    call(name, value) {
      return callWith(name, [encoder.encode(JSON.stringify(value))], "The search failed.");
    }
  };
}

// search/open-index.js
async function openIndex(manifestUrl2, given2) {
  const initial = given2 || await initialFiles(manifestUrl2);
  const runtime = await startRuntime(initial.runtime);
  return {
    runtime,
    files: indexFiles(manifestUrl2),
    ready: runtime.open(initial.manifest, initial.hot)
  };
}

// search/worker.js
var MAX_ROUNDS = 12;
var manifestUrl = null;
var given = null;
var loading = null;
function load() {
  if (loading) return loading;
  if (!manifestUrl) return Promise.reject(new Error("The search was not started."));
  loading = openIndex(manifestUrl, given);
  given = null;
  loading.catch(() => {
    loading = null;
  });
  return loading;
}
async function run(name, value) {
  const { runtime, files } = await load();
  try {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const { answer, need } = runtime.call(name, value);
      if (!need) return answer;
      const chunks = await Promise.all(need.map(async (chunk) => ({ chunk, data: await files.get(chunk.path, "search index") })));
      for (const { chunk, data } of chunks) runtime.addChunk(chunk.file, chunk.chunk, data);
    }
    throw new Error("The search could not finish. Please try again.");
  } catch (error) {
    if (error instanceof WebAssembly.RuntimeError) {
      loading = null;
      throw new Error("The search stopped unexpectedly. Please try again.");
    }
    throw error;
  }
}
function usable(files) {
  return !!files && ["manifest", "hot"].every((name) => files[name] instanceof Uint8Array) && (files.runtime instanceof Uint8Array || files.runtime instanceof WebAssembly.Module);
}
var requests = {
  init(message) {
    manifestUrl = message.manifest;
    given = usable(message.files) ? message.files : null;
    return load().then(({ ready }) => ({ ...ready, type: "ready" }));
  },
  search(message) {
    return run("tm_search", message.request || {}).then((results) => ({ type: "results", results }));
  },
  snippets(message) {
    const request = {
      query: String(message.query || ""),
      texts: Array.isArray(message.texts) ? message.texts.map(String) : []
    };
    return run("tm_snippets", request).then((snippets) => ({ type: "snippets", snippets }));
  },
  suggest(message) {
    const request = { text: String(message.text || ""), limit: message.limit || 0 };
    return run("tm_suggest_schools", request).then((schools) => ({ type: "suggestions", schools }));
  }
};
self.onmessage = (event) => {
  const message = event.data || {};
  const reply = (answer) => self.postMessage({ ...answer, id: message.id });
  const refuse = (text) => reply({ type: "error", message: text });
  if (!Object.hasOwn(requests, message.type)) {
    refuse("Unknown request.");
  } else if (message.type === "init" && typeof message.manifest !== "string") {
    refuse("No search index given.");
  } else {
    requests[message.type](message).then(reply).catch((error) => refuse(String(error && error.message || error)));
  }
};
