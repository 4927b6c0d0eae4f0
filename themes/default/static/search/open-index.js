/* Opens the search index in the worker, from what opening needs (index-files.js, initialFiles:
 * the manifest, the runtime and the hot file), given by the search page or
 * downloaded here; the runtime takes them. Any other chunk is downloaded when a query first
 * needs it (worker.js).
 */

import { indexFiles, initialFiles } from './index-files.js';
import { startRuntime } from './runtime-bridge.js';

/* Answers {runtime, files, ready}: the started runtime (see runtime-bridge.js), the index's
   files (index-files.js) and what opening said ({doc_count, catalog, unfiltered}, see
   crates/search-runtime). `given`: the initial files, when the page downloaded them. */
export async function openIndex(manifestUrl, given) {
  const initial = given || await initialFiles(manifestUrl);
  const runtime = await startRuntime(initial.runtime);
  return {
    runtime,
    files: indexFiles(manifestUrl),
    ready: runtime.open(initial.manifest, initial.hot)
  };
}
