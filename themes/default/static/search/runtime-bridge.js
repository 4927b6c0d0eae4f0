/* The search runtime (WebAssembly, crates/search-runtime) as JavaScript calls.
 *
 * Its exports are plain C functions over its memory: arguments are copied in (tm_alloc), each
 * call returns 0, 1 or 2 and leaves its answer as JSON at tm_output_ptr()/tm_output_len():
 * the result (0), {"error": "..."} (1), or {"need": [{file, chunk, path}]} (2), the chunks of
 * the index the call needs and the runtime does not hold yet. It downloads nothing itself and
 * imports nothing.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/* Starts the runtime from its bytes or its compiled WebAssembly.Module. */
export async function startRuntime(program) {
  const { exports } = program instanceof WebAssembly.Module
    ? await WebAssembly.instantiate(program, {})
    : (await WebAssembly.instantiate(program, {})).instance;

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

  /* Calls `name` with the arguments copied in, and frees them. Answers {need} when the call
     needs chunks, else its answer; throws its error. */
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
    if (status !== 0) throw new Error((answer && answer.error) || failure);
    return { answer };
  }

  return {
    /* Opens the index: the runtime checks the manifest and answers what tm_open answers. */
    open(manifestBytes, hotBytes) {
      return callWith('tm_open', [manifestBytes, hotBytes],
        'The search index could not be opened.').answer;
    },

    /* Hands over a chunk a call said it needs; the bytes become the runtime's. */
    addChunk(file, chunk, data) {
      if (exports.tm_add_chunk(file, chunk, copyIn(data), data.length) !== 0) {
        throw new Error(output().error);
      }
    },

    /* Calls an export that takes one JSON argument (`value`): {answer} or {need}. */
    call(name, value) {
      return callWith(name, [encoder.encode(JSON.stringify(value))], 'The search failed.');
    }
  };
}
