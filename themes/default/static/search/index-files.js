/* The search index's static files, downloaded from the site (see crates/search/src/bundle.rs).
 *
 * search/manifest.json is the one file whose name never changes, so it is revalidated every
 * time; it names the others, which are content-addressed and cached by the browser. Of the
 * manifest this module reads only what downloading needs: `runtime` and `hot_file` (file
 * names; the hot file holds the catalog too). Everything else about the format (its number,
 * how chunks are named and how long each is) belongs to the runtime, which checks the manifest
 * when it opens the index and names every further chunk it needs.
 */

const UNKNOWN_FORMAT = 'The search index has a format this page does not know. Reload the page.';

/* The files of the index whose manifest is at `manifestUrl`. */
export function indexFiles(manifestUrl) {
  const base = new URL(manifestUrl, self.location ? self.location.href : undefined);
  const url = (path) => new URL(path, base).href;

  /* The response for a file the manifest names; `what` names it in the error a reader sees. */
  async function download(path, what) {
    const response = await self.fetch(url(path), { credentials: 'same-origin' });
    if (!response.ok) {
      throw new Error('Could not download the ' + what + ' (' + response.status + ').');
    }
    return response;
  }

  return {
    /* The manifest, parsed, and its bytes as downloaded (for the runtime to check). */
    async manifest() {
      const response = await self.fetch(manifestUrl, {
        credentials: 'same-origin', cache: 'no-cache'
      });
      if (!response.ok) {
        throw new Error('Could not download the search index (' + response.status + ').');
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
      const response = await download(path, 'search program');
      if (WebAssembly.compileStreaming &&
          (response.headers.get('Content-Type') || '').startsWith('application/wasm')) {
        return WebAssembly.compileStreaming(response);
      }
      return WebAssembly.compile(await response.arrayBuffer());
    }
  };
}

/* What opening the index needs, downloaded at once: {manifest (bytes), runtime, hot}.
   The search page starts this itself (the runtime and the manifest are preloaded by its
   <head>) and hands it to the worker, so nothing waits for the worker's own code. There the
   runtime is compiled while it downloads (`compile`), a WebAssembly.Module a worker can be
   given; in the worker it stays bytes. */
export async function initialFiles(manifestUrl, compile) {
  const files = indexFiles(manifestUrl);
  const { manifest, bytes } = await files.manifest();
  const [runtime, hot] = await Promise.all([
    compile ? files.compiled(manifest.runtime) : files.get(manifest.runtime, 'search program'),
    files.get(manifest.hot_file, 'search index')
  ]);
  return { manifest: bytes, runtime, hot };
}

/* Whether the manifest has the fields downloading reads, in the shape read here. */
function readable(manifest) {
  return !!manifest && typeof manifest.runtime === 'string' &&
    typeof manifest.hot_file === 'string';
}
