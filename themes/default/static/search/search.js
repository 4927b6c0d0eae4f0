/* testimony search page (templates/search.html).
 *
 * The search runs in a Web Worker (search/worker.js) on the site's own static index. This
 * script only talks to the worker and builds the page with DOM APIs: nothing untrusted is ever
 * parsed as HTML, and matched words are wrapped in <mark> elements made here.
 *
 * The reader's words never reach the address bar or the history (the device may be shared):
 * the script reads ?q= and ?school= once on load, and sessionStorage['testimony.q'] (written by
 * the home page's search box), which it deletes at once; it never writes any of them.
 *
 * Stable DOM ids (for the theme's CSS and for browser tests):
 *   #search-nojs               message shown when search cannot run (hidden by this script)
 *   #search-app                the search UI (hidden until this script runs); data-manifest is
 *                              the URL of search/manifest.json, data-worker the worker's URL
 *   #search-form               the form (role=search); submitting runs the search
 *   #search-q                  <input type="search" name="q">
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
'use strict';

(function () {
  var app = document.getElementById('search-app');
  if (!app) return;
  var $ = function (id) { return document.getElementById(id); };
  var nojs = $('search-nojs');
  var form = $('search-form');
  var q = $('search-q');
  var schoolInput = $('search-school');
  var suggestionList = $('search-school-suggestions');
  var chosen = $('search-school-chosen');
  var chosenName = $('search-school-chosen-name');
  var clearSchool = $('search-school-clear');
  var offer = $('search-offer');
  var schoolFacets = $('search-school-facets');
  var schoolFacetList = schoolFacets.querySelector('ul');
  var status = $('search-status');
  var list = $('search-results');
  var more = $('search-more');
  var selects = {
    kind: $('search-kind'),
    region: $('search-region'),
    tag: $('search-tag'),
    year: $('search-year')
  };
  var PAGE = 10;
  var TYPING_DELAY = 250;

  /* Starting query: sessionStorage (home page box) first, then ?q=. The stored query is
     deleted at once, even when search cannot run here. */
  var params = new URLSearchParams(window.location.search);
  var startQuery = params.get('q') || '';
  try {
    var stored = window.sessionStorage.getItem('testimony.q');
    window.sessionStorage.removeItem('testimony.q');
    if (stored) startQuery = stored;
  } catch (e) {
    /* storage unavailable */
  }

  if (typeof Worker === 'undefined' || typeof WebAssembly === 'undefined') {
    return; /* #search-nojs stays: it explains and links to the schools A–Z */
  }
  nojs.hidden = true;
  app.hidden = false;

  var state = {
    school: null, /* slug or text the runtime resolves */
    offset: 0,
    lastId: 0,
    ready: false,
    docCount: 0
  };
  q.value = startQuery;
  if (params.get('school')) state.school = params.get('school');


  function setStatus(text, kind) {
    status.textContent = text;
    status.className = 'search-status' + (kind ? ' search-status-' + kind : '');
  }

  function plural(n, one, many) {
    return n === 1 ? one : many;
  }

  var worker;
  try {
    worker = new Worker(app.getAttribute('data-worker'));
  } catch (e) {
    showUnavailable();
    return;
  }
  var handlers = {};
  var nextId = 1;

  function ask(message, handler) {
    message.id = nextId++;
    handlers[message.id] = handler;
    worker.postMessage(message);
    return message.id;
  }

  worker.onmessage = function (event) {
    var message = event.data || {};
    var handler = handlers[message.id];
    delete handlers[message.id];
    if (handler) handler(message);
  };
  worker.onerror = function () {
    showUnavailable();
  };

  function showUnavailable(detail) {
    app.setAttribute('data-state', 'error');
    list.removeAttribute('aria-busy');
    nojs.hidden = false;
    setStatus('Search could not start' + (detail ? ': ' + detail : '.') +
      ' You can still browse testimonies by school.', 'error');
  }

  app.setAttribute('data-state', 'loading');
  list.setAttribute('aria-busy', 'true');
  setStatus('Loading search…', 'loading');
  var manifest = new URL(app.getAttribute('data-manifest'), document.baseURI).href;
  ask({ type: 'init', manifest: manifest }, function (message) {
    if (message.type !== 'ready') {
      showUnavailable(message.message);
      return;
    }
    state.ready = true;
    state.docCount = message.doc_count;
    state.catalog = message.catalog;
    app.setAttribute('data-state', 'ready');
    list.removeAttribute('aria-busy');
    search(false);
  });

  function request(offset) {
    var r = {
      query: q.value,
      limit: PAGE,
      offset: offset
    };
    if (state.school) r.school = state.school;
    Object.keys(selects).forEach(function (key) {
      var value = selects[key].value;
      if (value) r[key] = key === 'year' ? Number(value) : value;
    });
    return r;
  }

  /* Runs the search; `append` adds the next page to the list. */
  /* What an empty search answers, from the catalog: every filter with its count over the
     whole archive. No need to open the index (which, on a big archive, means downloading). */
  function catalogAnswer() {
    var c = state.catalog;
    return {
      query: '', total: state.docCount, offset: 0, results: [], school: null,
      unknown_school: null, school_suggestions: [], warnings: [],
      facets: { school: [], kind: c.kinds, region: c.regions, tag: c.tags, year: c.years }
    };
  }

  function search(append) {
    if (!state.ready) return;
    if (!append && state.catalog && isEmpty(request(0))) {
      state.lastId = null; /* any answer still on its way is out of date */
      list.removeAttribute('aria-busy');
      state.offset = 0;
      show(catalogAnswer(), false);
      return;
    }
    var offset = append ? state.offset + PAGE : 0;
    var id = ask({ type: 'search', request: request(offset) }, function (message) {
      if (id !== state.lastId) return; /* a newer search has been asked for */
      list.removeAttribute('aria-busy');
      if (message.type !== 'results') {
        setStatus(message.message || 'The search failed.', 'error');
        return;
      }
      state.offset = offset;
      show(message.results, append);
    });
    state.lastId = id;
    list.setAttribute('aria-busy', 'true');
  }

  var typingTimer = null;
  function searchSoon() {
    window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(function () { search(false); }, TYPING_DELAY);
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  /* Only same-site paths from our own index; anything else is not made a link. */
  function safePath(url) {
    return typeof url === 'string' && url.charAt(0) === '/' && url.charAt(1) !== '/' &&
      url.indexOf('\\') === -1;
  }

  /* "2021-03-28" → "28 March 2021", as the theme's pages show dates (month name in the page's
     language). */
  var monthName = null;
  try {
    monthName = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
      month: 'long', timeZone: 'UTC'
    });
  } catch (e) {
    /* unknown language tag: keep the ISO date */
  }
  function humanDate(iso) {
    var date = /^\d{4}-\d{2}-\d{2}$/.test(iso) ? new Date(iso + 'T00:00:00Z') : null;
    if (!monthName || !date || isNaN(date.getTime())) return iso;
    return date.getUTCDate() + ' ' + monthName.format(date) + ' ' + date.getUTCFullYear();
  }

  function snippet(parts) {
    var p = el('p', 'snippet');
    (parts || []).forEach(function (part) {
      if (part.mark) {
        p.appendChild(el('mark', null, part.text));
      } else {
        p.appendChild(document.createTextNode(part.text));
      }
    });
    return p;
  }

  function result(hit) {
    var li = el('li', 'result card');
    var h = el('h2', 'card-title');
    if (safePath(hit.url)) {
      var a = el('a', null, hit.title);
      a.href = hit.url;
      h.appendChild(a);
    } else {
      h.textContent = hit.title;
    }
    li.appendChild(h);
    var meta = el('p', 'meta');
    var time = el('time', null, humanDate(hit.published));
    time.setAttribute('datetime', hit.published);
    meta.appendChild(time);
    if (hit.schools && hit.schools.length) {
      var sep = el('span', 'sep', '·');
      sep.setAttribute('aria-hidden', 'true');
      meta.appendChild(document.createTextNode(' '));
      meta.appendChild(sep);
      meta.appendChild(document.createTextNode(' ' + hit.schools.map(function (s) {
        return s.name;
      }).join(', ')));
    }
    li.appendChild(meta);
    if (hit.content_warnings && hit.content_warnings.length) {
      var cw = el('p', 'cw-labels');
      cw.appendChild(el('strong', null, 'Content warning:'));
      cw.appendChild(document.createTextNode(' ' + hit.content_warnings.join(', ')));
      li.appendChild(cw);
      var details = el('details', 'cw search-cw');
      details.appendChild(el('summary', null, 'Show matching text'));
      details.appendChild(snippet(hit.snippet_parts));
      li.appendChild(details);
    } else {
      li.appendChild(snippet(hit.snippet_parts));
    }
    return li;
  }

  function fillSelect(select, values, anyLabel) {
    var current = select.value;
    while (select.firstChild) select.removeChild(select.firstChild);
    select.appendChild(el('option', null, anyLabel)).value = '';
    (values || []).forEach(function (facet) {
      var option = el('option', null, facet.label + ' (' + facet.count + ')');
      option.value = facet.value;
      if (facet.selected || facet.value === current) option.selected = true;
      select.appendChild(option);
    });
    var field = select.closest('.search-filter');
    if (field) field.hidden = !values || values.length === 0;
  }

  function schoolButton(slug, label, extra) {
    var button = el('button', 'search-chip', label);
    button.type = 'button';
    button.setAttribute('data-slug', slug);
    if (extra) button.appendChild(el('span', 'search-chip-extra', extra));
    return button;
  }

  /* Nothing asked for yet: show the filters, not a list of every testimony. */
  function isEmpty(r) {
    return !r.query.trim() && !r.school && !r.kind && !r.region && !r.tag && !r.year;
  }

  function show(results, append) {
    var empty = isEmpty(request(0));
    if (!append) {
      while (list.firstChild) list.removeChild(list.firstChild);
    }
    if (!empty) {
      results.results.forEach(function (hit) { list.appendChild(result(hit)); });
    }
    var shown = list.children.length;
    more.hidden = empty || shown >= results.total;

    if (results.school) {
      state.school = results.school.slug;
      chosenName.textContent = results.school.name;
      chosen.hidden = false;
      schoolInput.value = '';
    } else {
      chosen.hidden = true;
    }
    while (schoolFacetList.firstChild) schoolFacetList.removeChild(schoolFacetList.firstChild);
    var inResults = results.school || empty ? [] : results.facets.school.slice(0, 8);
    inResults.forEach(function (facet) {
      var li = el('li');
      li.appendChild(schoolButton(facet.value, facet.label, ' (' + facet.count + ')'));
      schoolFacetList.appendChild(li);
    });
    schoolFacets.hidden = inResults.length < 2;
    if (!results.unknown_school) { /* that answer has no counts: keep the last ones */
      fillSelect(selects.kind, results.facets.kind, 'Any kind of school');
      fillSelect(selects.region, results.facets.region, 'Any region');
      fillSelect(selects.tag, results.facets.tag, 'Any topic');
      fillSelect(selects.year, results.facets.year, 'Any year');
    }

    while (offer.firstChild) offer.removeChild(offer.firstChild);
    offer.hidden = !(results.school_suggestions && results.school_suggestions.length);
    if (!offer.hidden) {
      offer.appendChild(document.createTextNode('Looking for a school? '));
      results.school_suggestions.forEach(function (s) {
        offer.appendChild(schoolButton(s.slug, s.name));
        offer.appendChild(document.createTextNode(' '));
      });
    }

    var where = results.school ? ' at ' + results.school.name : '';
    if (empty) {
      setStatus('Type words to search ' + state.docCount + ' ' +
        plural(state.docCount, 'testimony', 'testimonies') + ', or choose a school.', null);
    } else if (results.unknown_school) {
      /* Give the words back to the school box to correct. */
      state.school = null;
      schoolInput.value = results.unknown_school;
      setStatus('No school matches “' + results.unknown_school + '”. Check the spelling, or ' +
        'clear the school box.', 'error');
    } else if (results.total === 0) {
      setStatus('No testimonies found' + where + '.', null);
    } else {
      setStatus(results.total + ' ' + plural(results.total, 'testimony', 'testimonies') +
        ' found' + where + '.' + (results.warnings.length ? ' ' + results.warnings[0] : ''), null);
    }
  }

  function chooseSchool(slug) {
    state.school = slug;
    schoolInput.value = '';
    showSuggestions([]);
    search(false);
  }

  /* The school box is a combobox (WAI-ARIA "list autocomplete"): focus stays in the box, the
     arrow keys move the active suggestion (aria-activedescendant), Enter chooses it, Escape
     closes the list (or, closed, empties the box). */
  var active = -1;
  function suggestions() {
    return Array.prototype.slice.call(suggestionList.querySelectorAll('[role="option"]'));
  }

  function setActive(index) {
    var options = suggestions();
    active = index >= 0 && index < options.length ? index : -1;
    options.forEach(function (option, i) {
      option.setAttribute('aria-selected', i === active ? 'true' : 'false');
    });
    if (active < 0) {
      schoolInput.removeAttribute('aria-activedescendant');
      return;
    }
    schoolInput.setAttribute('aria-activedescendant', options[active].id);
    options[active].scrollIntoView({ block: 'nearest' });
  }

  function showSuggestions(schools) {
    while (suggestionList.firstChild) suggestionList.removeChild(suggestionList.firstChild);
    schools.forEach(function (s, i) {
      var extra = ' (' + s.count + ')';
      if (s.matched) {
        extra = (s.matched_as === 'former_name' ? ' – formerly ' : ' – also known as ') +
          s.matched + extra;
      }
      var option = el('li', 'search-suggestion', s.name);
      option.id = 'search-school-option-' + i;
      option.setAttribute('role', 'option');
      option.setAttribute('data-slug', s.slug);
      option.appendChild(el('span', 'search-chip-extra', extra));
      suggestionList.appendChild(option);
    });
    suggestionList.hidden = schools.length === 0;
    schoolInput.setAttribute('aria-expanded', schools.length ? 'true' : 'false');
    setActive(-1);
  }

  var suggestTimer = null;
  var suggestId = 0;
  /* Asks for the schools matching the box; `first` makes the first of them active. */
  function suggestSoon(first) {
    window.clearTimeout(suggestTimer);
    var text = schoolInput.value.trim();
    if (!text || !state.ready) {
      showSuggestions([]);
      return;
    }
    suggestTimer = window.setTimeout(function () {
      var id = ask({ type: 'suggest', text: text, limit: 8 }, function (message) {
        if (id !== suggestId) return;
        showSuggestions(message.type === 'suggestions' ? message.schools : []);
        if (first === true) setActive(0);
      });
      suggestId = id;
    }, first === true ? 0 : 120);
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    window.clearTimeout(typingTimer);
    var text = schoolInput.value.trim();
    if (text) {
      /* Enter in the school box: the runtime picks the closest school (typos tolerated). */
      state.school = text;
      showSuggestions([]);
    }
    search(false);
  });
  q.addEventListener('input', searchSoon);
  schoolInput.addEventListener('input', suggestSoon);
  schoolInput.addEventListener('keydown', function (event) {
    var open = !suggestionList.hidden;
    var count = suggestions().length;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (!open) {
        suggestSoon(true);
      } else if (event.key === 'ArrowDown') {
        setActive(active + 1 < count ? active + 1 : 0);
      } else {
        setActive(active > 0 ? active - 1 : count - 1);
      }
    } else if (event.key === 'Enter' && open && active >= 0) {
      event.preventDefault();
      chooseSchool(suggestions()[active].getAttribute('data-slug'));
    } else if (event.key === 'Escape') {
      if (open) {
        showSuggestions([]);
      } else {
        schoolInput.value = '';
      }
    }
  });
  schoolInput.addEventListener('blur', function () {
    showSuggestions([]);
  });
  /* A pointer on a suggestion must not take focus from the box (which would close the list). */
  suggestionList.addEventListener('mousedown', function (event) {
    event.preventDefault();
  });
  suggestionList.addEventListener('click', function (event) {
    var option = event.target.closest('[role="option"]');
    if (option) chooseSchool(option.getAttribute('data-slug'));
  });
  schoolFacets.addEventListener('click', function (event) {
    var button = event.target.closest('button[data-slug]');
    if (button) chooseSchool(button.getAttribute('data-slug'));
  });
  offer.addEventListener('click', function (event) {
    var button = event.target.closest('button[data-slug]');
    if (!button) return;
    /* The words named the school: search within it instead. */
    q.value = '';
    chooseSchool(button.getAttribute('data-slug'));
    q.focus();
  });
  clearSchool.addEventListener('click', function () {
    state.school = null;
    chosen.hidden = true;
    search(false);
    schoolInput.focus();
  });
  Object.keys(selects).forEach(function (key) {
    selects[key].addEventListener('change', function () { search(false); });
  });
  more.addEventListener('click', function () { search(true); });
})();
