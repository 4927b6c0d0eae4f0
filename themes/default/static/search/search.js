/* testimony search page (templates/search.html), loaded as a module.
 *
 * The search runs in a Web Worker (worker.js) on the site's own static index. This module
 * starts it and ties the page's parts together: query-state.js (what the reader asks for),
 * worker-client.js (questions and answers), result-pages.js (what each result's own page
 * says), results-view.js (the results and the status line), filters.js (the filters beside
 * them) and school-box.js (the school box's suggestions). The page is built with DOM APIs:
 * nothing is ever inserted as HTML.
 *
 * A search is asked in steps, so that the results come first: the matching testimonies (ids
 * and addresses), then their pages (all at once) and their snippets, shown together; then,
 * once the filters are open, their counts, which read every testimony's filter values.
 *
 * The reader's words never reach the address bar or the history (the device may be shared):
 * see query-state.js.
 *
 * Stable DOM ids (for the theme's CSS and for browser tests):
 *   #search-nojs               message shown when search cannot run (hidden by this script)
 *   #search-app                the search UI (hidden until this script runs); data-manifest is
 *                              the URL of search/manifest.json, data-worker the worker's URL
 *   #search-form               the form (role=search); submitting runs the search
 *   #search-q                  <input type="search" name="q">
 *   #search-filters            <details> holding the filters below; #search-filters-active, in
 *                              its summary, says how many are in force
 *   #search-school             school filter box (typos tolerated): a combobox whose
 *                              aria-activedescendant names the suggestion the arrow keys reach
 *   #search-school-suggestions its listbox: <ul role="listbox"> of <li role="option" data-slug>
 *   #search-school-facets      schools in the current results with counts: <ul> of
 *                              <button data-slug> (shown when no school is chosen)
 *   #search-school-chosen      shows the school filter in force; #search-school-clear removes it
 *   #search-kind, #search-region, #search-tag, #search-year   <select> filters with counts
 *   #search-offer              "Looking for a school?" offer, buttons with data-slug
 *   #search-status             aria-live: loading state, result count, errors
 *   #search-results            <ol> of results: li.result > h2 > a, p.meta, p.snippet > mark
 *   #search-more               "Show more results" button
 * The page is ready for input when #search-app has data-state="ready" (also "loading", "error").
 */

import { el } from './dom.js';
import { startingQuery, queryState } from './query-state.js';
import { startWorker } from './worker-client.js';
import { initialFiles } from './index-files.js';
import { readResult } from './result-pages.js';
import { resultsView } from './results-view.js';
import { filtersView } from './filters.js';
import { schoolBox } from './school-box.js';

const PAGE = 10;
const SUGGESTIONS = 8;
const TYPING_DELAY = 250;

const $ = (id) => document.getElementById(id);

function start(app) {
  const nojs = $('search-nojs');
  const q = $('search-q');
  const schoolInput = $('search-school');
  const list = $('search-results');
  const more = $('search-more');
  const selects = {
    kind: $('search-kind'),
    region: $('search-region'),
    tag: $('search-tag'),
    year: $('search-year')
  };

  /* Read (and the stored query deleted) even when search cannot run here. */
  const begin = startingQuery();
  if (typeof Worker === 'undefined' || typeof WebAssembly === 'undefined') {
    return; /* #search-nojs stays: it explains and links to the schools A–Z */
  }
  nojs.hidden = true;
  app.hidden = false;

  const query = queryState(q, selects, begin.school);
  q.value = begin.query;
  if (begin.tag) {
    /* Chosen until the first counts name it; then the filters list it with its label. */
    const option = selects.tag.appendChild(el('option', null, begin.tag));
    option.value = begin.tag;
    selects.tag.value = begin.tag;
  }
  const view = resultsView(list, more, $('search-status'));
  let ready = false;
  let docCount = 0;
  let unfiltered = null; /* what a search with no words and no filters answers */
  let offset = 0;
  let lastId = 0;

  function showUnavailable(detail) {
    app.setAttribute('data-state', 'error');
    view.busy(false);
    nojs.hidden = false;
    view.setStatus('Search could not start' + (detail ? ': ' + detail : '.') +
      ' You can still browse testimonies by school.', 'error');
  }

  let worker;
  try {
    worker = startWorker(app.getAttribute('data-worker'), () => showUnavailable());
  } catch (e) {
    showUnavailable();
    return;
  }

  app.setAttribute('data-state', 'loading');
  view.busy(true);
  view.setStatus('Loading search…', 'loading');
  const manifest = new URL(app.getAttribute('data-manifest'), document.baseURI).href;
  /* Downloaded here rather than by the worker, so that nothing waits for the worker's code;
     if this fails, the worker downloads them itself (and says what went wrong). */
  const downloads = initialFiles(manifest, true).catch(() => null);
  downloads.then((files) => worker.ask({ type: 'init', manifest, files }, (message) => {
    if (message.type !== 'ready') {
      showUnavailable(message.message);
      return;
    }
    ready = true;
    docCount = message.doc_count;
    unfiltered = message.unfiltered;
    app.setAttribute('data-state', 'ready');
    view.busy(false);
    search(false);
  }));

  function show(results, append, cards, snippets) {
    const empty = query.isEmpty();
    view.show(results, append, empty, cards || [], snippets || []);
    if (results.school) {
      query.school = results.school.slug;
      schoolInput.value = '';
    }
    filters.show(results, empty);
    if (!empty && results.unknown_school) {
      /* Give the words back to the school box to correct. */
      query.school = null;
      schoolInput.value = results.unknown_school;
    }
    view.summarize(results, empty, docCount);
  }

  /* Runs the search; `append` adds the next page to the list. */
  function search(append) {
    if (!ready) return;
    if (!append && unfiltered && query.isEmpty()) {
      lastId = null; /* any answer still on its way is out of date */
      view.busy(false);
      offset = 0;
      show(unfiltered, false);
      return;
    }
    const next = append ? offset + PAGE : 0;
    const request = query.request(next, PAGE);
    const failed = (message) => {
      view.busy(false);
      view.setStatus(message.message || 'The search failed.', 'error');
    };
    const id = worker.ask({ type: 'search', request: { ...request, counts: false } }, (found) => {
      if (id !== lastId) return; /* a newer search has been asked for */
      if (found.type !== 'results') return failed(found);
      const { results } = found;
      Promise.all(results.results.map((hit) => readResult(hit.url))).then((cards) => {
        if (id !== lastId) return;
        const texts = cards.map((card) => (card ? card.text : ''));
        worker.ask({ type: 'snippets', query: request.query, texts }, (cut) => {
          if (id !== lastId) return;
          if (cut.type !== 'snippets') return failed(cut);
          view.busy(false);
          offset = next;
          show(results, append, cards, cut.snippets);
          if (!append && !results.unknown_school) count(request, id);
        });
      });
    });
    lastId = id;
    view.busy(true);
  }

  /* The filters' counts for `request`, once its results are shown and the filters are open:
     counting reads every testimony's filter values, which a reader on a phone, where the
     filters start closed, need not download until they open them. */
  let uncounted = null; /* [request, id] of the results shown, while their counts wait */
  function count(request, id) {
    uncounted = null;
    if (!filtersPanel.open) {
      uncounted = [request, id];
      return;
    }
    const counting = { ...request, offset: 0, limit: 1, counts: true };
    filters.busy(true);
    worker.ask({ type: 'search', request: counting }, (message) => {
      if (id !== lastId) return;
      filters.busy(false);
      if (message.type === 'results') filters.show(message.results, query.isEmpty());
    });
  }
  const filtersPanel = $('search-filters');
  filtersPanel.addEventListener('toggle', () => {
    if (filtersPanel.open && uncounted) count(...uncounted);
  });

  function chooseSchool(slug) {
    query.school = slug;
    schoolInput.value = '';
    schools.close();
    search(false);
  }

  const filters = filtersView({
    panel: $('search-filters'),
    activeCount: $('search-filters-active'),
    selects,
    schoolFacets: $('search-school-facets'),
    chosen: $('search-school-chosen'),
    chosenName: $('search-school-chosen-name'),
    clearSchool: $('search-school-clear'),
    offer: $('search-offer')
  }, {
    school: chooseSchool,
    offer(slug) {
      /* The words named the school: search within it instead. */
      q.value = '';
      chooseSchool(slug);
      q.focus();
    },
    clearSchool() {
      query.school = null;
      search(false);
      schoolInput.focus();
    },
    change: () => search(false)
  });

  const schools = schoolBox(schoolInput, $('search-school-suggestions'), {
    ready: () => ready,
    suggest: (text, answer) => worker.ask({ type: 'suggest', text, limit: SUGGESTIONS },
      (message) => answer(message.type === 'suggestions' ? message.schools : [])),
    choose: chooseSchool
  });

  let typingTimer = null;
  $('search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    window.clearTimeout(typingTimer);
    const text = schoolInput.value.trim();
    if (text) {
      /* Enter in the school box: the runtime picks the closest school (typos tolerated). */
      query.school = text;
      schools.close();
    }
    search(false);
  });
  q.addEventListener('input', () => {
    window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(() => search(false), TYPING_DELAY);
  });
  more.addEventListener('click', () => search(true));
}

const app = $('search-app');
if (app) start(app);
