/* The search worker (worker.js), seen from the page: started as a module worker; each question
 * gets an id, and the worker's answer, which repeats it, goes to that question's handler. */

/* Starts the worker at `url` (throws where workers cannot start); `onFailure` is called when
   it stops with an error. */
export function startWorker(url, onFailure) {
  const worker = new Worker(url, { type: 'module' });
  const handlers = new Map();
  let nextId = 1;
  worker.onmessage = (event) => {
    const message = event.data || {};
    const handler = handlers.get(message.id);
    handlers.delete(message.id);
    if (handler) handler(message);
  };
  worker.onerror = () => onFailure();

  return {
    /* Sends `message`; `handler` gets the answer. Returns the question's id. */
    ask(message, handler) {
      const id = nextId++;
      handlers.set(id, handler);
      worker.postMessage({ ...message, id });
      return id;
    }
  };
}
