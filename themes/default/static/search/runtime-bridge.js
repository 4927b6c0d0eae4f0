/* The search runtime (WebAssembly, src/search/wasm.rs) as JavaScript calls.
 *
 * Its exports are plain C functions over its memory: arguments are copied in (tm_alloc), each
 * call returns 0 or 1 and leaves its answer, or {"error": "..."}, as JSON at
 * tm_output_ptr()/tm_output_len(). Its one import, env.tm_fetch(path_ptr, path_len, ptr, len),
 * asks for a chunk a query needs now, by the chunk's file name, relative to the manifest.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/* Starts the runtime from its bytes. `getNow(path, len)` answers tm_fetch: the chunk's bytes,
   or null. */
export async function startRuntime(bytes, getNow) {
  let exports = null;
  const env = {
    tm_fetch(pathPtr, pathLen, ptr, len) {
      try {
        const path = decoder.decode(new Uint8Array(exports.memory.buffer, pathPtr, pathLen));
        const chunk = getNow(path, len);
        if (!chunk) return 1;
        new Uint8Array(exports.memory.buffer, ptr, len).set(chunk);
        return 0;
      } catch (error) {
        return 1;
      }
    }
  };
  exports = (await WebAssembly.instantiate(bytes, { env })).instance.exports;

  /* Copies bytes into the runtime's memory; returns the pointer (owned by the caller). */
  function copyIn(data) {
    const ptr = exports.tm_alloc(data.length);
    if (data.length > 0 && ptr === 0) {
      throw new Error('The search index does not fit in memory.');
    }
    new Uint8Array(exports.memory.buffer, ptr, data.length).set(data);
    return ptr;
  }

  /* The last call's answer. Copied out: a later call may move or free the buffer. */
  function output() {
    const { buffer } = exports.memory;
    const view = new Uint8Array(buffer, exports.tm_output_ptr(), exports.tm_output_len());
    return JSON.parse(decoder.decode(view.slice()));
  }

  /* Calls `name` with the arguments copied in, and frees them; answers its output. */
  function callWith(name, args, failure) {
    const ptrs = args.map(copyIn);
    let status;
    try {
      status = exports[name](...ptrs.flatMap((ptr, i) => [ptr, args[i].length]));
    } finally {
      ptrs.forEach((ptr, i) => exports.tm_free(ptr, args[i].length));
    }
    const answer = output();
    if (status !== 0) throw new Error((answer && answer.error) || failure);
    return answer;
  }

  return {
    /* Gives the runtime a chunk fetched ahead, before `open`; the bytes become its own. */
    addChunk(file, chunk, data) {
      if (exports.tm_add_chunk(file, chunk, copyIn(data), data.length) !== 0) {
        throw new Error(output().error);
      }
    },

    /* Opens the index: the runtime checks the manifest and answers what tm_open answers. */
    open(manifestBytes, catalogBytes) {
      return callWith('tm_open', [manifestBytes, catalogBytes],
        'The search index could not be opened.');
    },

    /* Calls an export that takes one JSON argument (`value`) and answers JSON. */
    call(name, value) {
      return callWith(name, [encoder.encode(JSON.stringify(value))], 'The search failed.');
    }
  };
}
