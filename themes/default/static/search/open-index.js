/* Opens the search index in the worker: the manifest first, then, all at once, the runtime, the
 * catalog and the hot file (the chunks that opening the index and any query with words read);
 * the runtime takes them with the manifest. Any other chunk is downloaded when a query first
 * needs it (worker.js).
 */

import { indexFiles } from './index-files.js';
import { startRuntime } from './runtime-bridge.js';

/* Answers {runtime, files, ready}: the started runtime (see runtime-bridge.js), the index's
   files (index-files.js) and what opening said ({doc_count, catalog, unfiltered}, see
   crates/search-runtime). */
export async function openIndex(manifestUrl) {
  const files = indexFiles(manifestUrl);
  const { manifest, bytes } = await files.manifest();
  const [runtime, catalog, hot] = await Promise.all([
    files.get(manifest.runtime, 'search program').then(startRuntime),
    files.get(manifest.catalog, 'list of schools'),
    files.get(manifest.hot_file, 'search index')
  ]);
  return { runtime, files, ready: runtime.open(bytes, catalog, hot) };
}
