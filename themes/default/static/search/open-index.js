/* Opens the search index in the worker: the manifest first, then, all at once, the runtime, the
 * catalog and the manifest's hot chunks (what opening the index and counting the filters
 * read); the runtime takes the chunks, then opens the manifest and the catalog. Any other
 * chunk is fetched when a query first reads it.
 */

import { indexFiles } from './index-files.js';
import { startRuntime } from './runtime-bridge.js';

/* Answers {runtime, ready}: the started runtime (see runtime-bridge.js) and what opening said
   ({doc_count, catalog, unfiltered}, see src/search/wasm.rs). */
export async function openIndex(manifestUrl) {
  const files = indexFiles(manifestUrl);
  const { manifest, bytes } = await files.manifest();
  const runtime = files.get(manifest.runtime, 'search program')
    .then((program) => startRuntime(program, files.getNow));
  const catalog = files.get(manifest.catalog, 'list of schools');
  const hot = Promise.all(manifest.hot.map(async (chunk) =>
    ({ chunk, data: await files.get(chunk.path, 'search index') })));
  const [started, catalogBytes, chunks] = await Promise.all([runtime, catalog, hot]);
  for (const { chunk, data } of chunks) started.addChunk(chunk.file, chunk.chunk, data);
  return { runtime: started, ready: started.open(bytes, catalogBytes) };
}
