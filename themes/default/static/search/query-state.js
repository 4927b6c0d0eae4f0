/* What the reader asks for: the query the page starts with, then the request the form describes.
 *
 * The reader's words never reach the address bar or the history (the device may be shared):
 * the starting query is read once from ?q=, ?school= and ?tag= (a topic's page links to its
 * search), and from sessionStorage['testimony.q']
 * (written by the home page's search box), which is deleted at once. Nothing here writes any
 * of them.
 */

/* {query, school, tag} to start with. The stored query wins over ?q=. */
export function startingQuery() {
  const params = new URLSearchParams(window.location.search);
  let query = params.get('q') || '';
  try {
    const stored = window.sessionStorage.getItem('testimony.q');
    window.sessionStorage.removeItem('testimony.q');
    if (stored) query = stored;
  } catch (e) {
    /* storage unavailable */
  }
  return { query, school: params.get('school') || null, tag: params.get('tag') || null };
}

/* The request of the words box `q`, the <select> filters `selects` ({kind, region, tag, year})
   and `school`: the school filter in force, a slug or words the runtime resolves (typos
   tolerated), or null. */
export function queryState(q, selects, school) {
  return {
    school,

    request(offset, limit) {
      const request = { query: q.value, limit, offset };
      if (this.school) request.school = this.school;
      for (const [key, select] of Object.entries(selects)) {
        if (select.value) request[key] = key === 'year' ? Number(select.value) : select.value;
      }
      return request;
    },

    /* Nothing asked for yet: the page then shows the filters, not a list of every testimony. */
    isEmpty() {
      const r = this.request(0, 0);
      return !r.query.trim() && !r.school && !r.kind && !r.region && !r.tag && !r.year;
    }
  };
}
