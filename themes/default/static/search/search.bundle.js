/* search/search.js and the modules it imports, bundled by tools/bundle/bundle.mjs (esbuild). Do not edit: edit the modules, then run `node tools/bundle/bundle.mjs`. */

// search/dom.js
function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== void 0 && text !== null) node.textContent = text;
  return node;
}
function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

// search/query-state.js
function startingQuery() {
  const params = new URLSearchParams(window.location.search);
  let query = params.get("q") || "";
  try {
    const stored = window.sessionStorage.getItem("testimony.q");
    window.sessionStorage.removeItem("testimony.q");
    if (stored) query = stored;
  } catch (e) {
  }
  return { query, school: params.get("school") || null, tag: params.get("tag") || null };
}
function queryState(q, selects, school) {
  return {
    school,
    request(offset, limit) {
      const request = { query: q.value, limit, offset };
      if (this.school) request.school = this.school;
      for (const [key, select] of Object.entries(selects)) {
        if (select.value) request[key] = key === "year" ? Number(select.value) : select.value;
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

// search/worker-client.js
function startWorker(url, onFailure) {
  const worker = new Worker(url, { type: "module" });
  const handlers = /* @__PURE__ */ new Map();
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

// search/index-files.js
var UNKNOWN_FORMAT = "The search index has a format this page does not know. Reload the page.";
function indexFiles(manifestUrl) {
  const base = new URL(manifestUrl, self.location ? self.location.href : void 0);
  const url = (path) => new URL(path, base).href;
  async function download(path, what) {
    const response = await self.fetch(url(path), { credentials: "same-origin" });
    if (!response.ok) {
      throw new Error("Could not download the " + what + " (" + response.status + ").");
    }
    return response;
  }
  return {
    /* The manifest, parsed, and its bytes as downloaded (for the runtime to check). */
    async manifest() {
      const response = await self.fetch(manifestUrl, {
        credentials: "same-origin",
        cache: "no-cache"
      });
      if (!response.ok) {
        throw new Error("Could not download the search index (" + response.status + ").");
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
      const response = await download(path, "search program");
      if (WebAssembly.compileStreaming && (response.headers.get("Content-Type") || "").startsWith("application/wasm")) {
        return WebAssembly.compileStreaming(response);
      }
      return WebAssembly.compile(await response.arrayBuffer());
    }
  };
}
async function initialFiles(manifestUrl, compile) {
  const files = indexFiles(manifestUrl);
  const { manifest, bytes } = await files.manifest();
  const [runtime, hot] = await Promise.all([
    compile ? files.compiled(manifest.runtime) : files.get(manifest.runtime, "search program"),
    files.get(manifest.hot_file, "search index")
  ]);
  return { manifest: bytes, runtime, hot };
}
function readable(manifest) {
  return !!manifest && typeof manifest.runtime === "string" && typeof manifest.hot_file === "string";
}

// search/result-pages.js
function safePath(url) {
  return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/" && url.indexOf("\\") === -1;
}
var words = (node) => node ? node.textContent.replace(/\s+/g, " ").trim() : "";
async function readResult(url) {
  if (!safePath(url)) return null;
  try {
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) return null;
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const time = page.querySelector(".facts time[datetime]");
    return {
      title: words(page.querySelector(".testimony h1")),
      published: time ? time.getAttribute("datetime") : "",
      schools: Array.from(page.querySelectorAll(".facts .schools a"), words),
      warnings: Array.from(page.querySelectorAll(".cw-notice li"), words),
      text: Array.from(page.querySelectorAll(".testimony-body"), words).join(" ")
    };
  } catch (error) {
    return null;
  }
}

// search/results-view.js
var monthName = null;
try {
  monthName = new Intl.DateTimeFormat(document.documentElement.lang || void 0, {
    month: "long",
    timeZone: "UTC"
  });
} catch (e) {
}
function humanDate(iso) {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(iso) ? /* @__PURE__ */ new Date(iso + "T00:00:00Z") : null;
  if (!monthName || !date || isNaN(date.getTime())) return iso;
  return date.getUTCDate() + " " + monthName.format(date) + " " + date.getUTCFullYear();
}
function snippet(parts) {
  const p = el("p", "snippet");
  for (const part of parts || []) {
    p.appendChild(part.mark ? el("mark", null, part.text) : document.createTextNode(part.text));
  }
  return p;
}
function result(hit, card, parts) {
  const li = el("li", "result card");
  const h = el("h2", "card-title");
  const title = card && card.title || "Testimony #" + hit.id;
  if (safePath(hit.url)) {
    const a = el("a", null, title);
    a.href = hit.url;
    h.appendChild(a);
  } else {
    h.textContent = title;
  }
  li.appendChild(h);
  if (!card) {
    li.appendChild(el("p", "meta", "This testimony could not be loaded. Open it to read it."));
    return li;
  }
  const meta = el("p", "meta");
  const time = el("time", null, humanDate(card.published));
  time.setAttribute("datetime", card.published);
  meta.appendChild(time);
  if (card.schools.length) {
    const sep = el("span", "sep", "·");
    sep.setAttribute("aria-hidden", "true");
    meta.appendChild(document.createTextNode(" "));
    meta.appendChild(sep);
    meta.appendChild(document.createTextNode(" " + card.schools.join(", ")));
  }
  li.appendChild(meta);
  if (card.warnings.length) {
    const cw = el("p", "cw-labels");
    cw.appendChild(el("strong", null, "Content warning:"));
    cw.appendChild(document.createTextNode(" " + card.warnings.join(", ")));
    li.appendChild(cw);
    const details = el("details", "cw search-cw");
    details.appendChild(el("summary", null, "Show matching text"));
    details.appendChild(snippet(parts));
    li.appendChild(details);
  } else {
    li.appendChild(snippet(parts));
  }
  return li;
}
function plural(n, one, many) {
  return n === 1 ? one : many;
}
function resultsView(list, more, status) {
  function setStatus(text, kind) {
    status.textContent = text;
    status.className = "search-status" + (kind ? " search-status-" + kind : "");
  }
  return {
    setStatus,
    /* Marks the list as waiting for an answer, or not. */
    busy(waiting) {
      if (waiting) list.setAttribute("aria-busy", "true");
      else list.removeAttribute("aria-busy");
    },
    /* Lists `results` (SearchResults), after those shown when `append`; none when nothing was
       asked for (`empty`). `cards[i]` and `snippets[i]` are what result i shows. */
    show(results, append, empty, cards, snippets) {
      if (!append) clear(list);
      if (!empty) {
        results.results.forEach((hit, i) => list.appendChild(result(hit, cards[i], snippets[i])));
      }
      more.hidden = empty || list.children.length >= results.total;
    },
    /* Says what `results` found, out of `docCount` testimonies. */
    summarize(results, empty, docCount) {
      const where = results.school ? " at " + results.school.name : "";
      if (empty) {
        setStatus("Type words to search " + docCount + " " + plural(docCount, "testimony", "testimonies") + ", or choose a school.", null);
      } else if (results.unknown_school) {
        setStatus("No school matches “" + results.unknown_school + "”. Check the spelling, or clear the school box.", "error");
      } else if (results.total === 0) {
        setStatus("No testimonies found" + where + ".", null);
      } else {
        const warning = results.warnings.length ? " " + results.warnings[0] : "";
        setStatus(results.total + " " + plural(results.total, "testimony", "testimonies") + " found" + where + "." + warning, null);
      }
    }
  };
}

// search/filters.js
var SCHOOLS_SHOWN = 8;
var ROOM_FOR_FILTERS = "(min-width: 76rem)";
function schoolButton(slug, label, extra) {
  const button = el("button", "search-chip", label);
  button.type = "button";
  button.setAttribute("data-slug", slug);
  if (extra) button.appendChild(el("span", "search-chip-extra", extra));
  return button;
}
function fillSelect(select, anyLabel, values) {
  const current = select.value;
  clear(select);
  select.appendChild(el("option", null, anyLabel)).value = "";
  for (const facet of values || []) {
    const option = el("option", null, facet.label + " (" + facet.count + ")");
    option.value = facet.value;
    if (facet.selected || facet.value === current) option.selected = true;
    select.appendChild(option);
  }
  const field = select.closest(".search-filter");
  if (field) field.hidden = !values || values.length === 0;
}
function filtersView(parts, on) {
  const { panel, activeCount, selects, schoolFacets, chosen, chosenName, clearSchool, offer } = parts;
  const schoolFacetList = schoolFacets.querySelector("ul");
  panel.open = window.matchMedia(ROOM_FOR_FILTERS).matches;
  function countActive() {
    const active = (chosen.hidden ? 0 : 1) + Object.values(selects).filter((select) => select.value).length;
    activeCount.textContent = active ? " (" + active + " active)" : "";
  }
  const anyLabels = {};
  for (const [key, select] of Object.entries(selects)) {
    anyLabels[key] = select.options.length ? select.options[0].textContent : "";
    select.addEventListener("change", () => {
      countActive();
      on.change();
    });
  }
  const slugOf = (event) => {
    const button = event.target.closest("button[data-slug]");
    return button ? button.getAttribute("data-slug") : null;
  };
  schoolFacets.addEventListener("click", (event) => {
    const slug = slugOf(event);
    if (slug) on.school(slug);
  });
  offer.addEventListener("click", (event) => {
    const slug = slugOf(event);
    if (slug) on.offer(slug);
  });
  clearSchool.addEventListener("click", () => {
    chosen.hidden = true;
    countActive();
    on.clearSchool();
  });
  return {
    /* Marks the counts as being counted, or not. */
    busy(counting) {
      if (counting) panel.setAttribute("aria-busy", "true");
      else panel.removeAttribute("aria-busy");
    },
    /* Shows the filters of `results` (SearchResults); `empty`: nothing was asked for. */
    show(results, empty) {
      if (results.school) {
        chosenName.textContent = results.school.name;
        chosen.hidden = false;
      } else {
        chosen.hidden = true;
      }
      if (results.counted || results.school || empty) {
        clear(schoolFacetList);
        const inResults = results.school || empty ? [] : results.facets.school.slice(0, SCHOOLS_SHOWN);
        for (const facet of inResults) {
          const li = el("li");
          li.appendChild(schoolButton(facet.value, facet.label, " (" + facet.count + ")"));
          schoolFacetList.appendChild(li);
        }
        schoolFacets.hidden = inResults.length < 2;
      }
      if (results.unknown_school) {
        panel.open = true;
      } else if (results.counted) {
        for (const [key, select] of Object.entries(selects)) {
          fillSelect(select, anyLabels[key], results.facets[key]);
        }
      }
      countActive();
      clear(offer);
      const suggested = results.school_suggestions || [];
      offer.hidden = suggested.length === 0;
      if (!offer.hidden) {
        offer.appendChild(document.createTextNode("Looking for a school? "));
        for (const s of suggested) {
          offer.appendChild(schoolButton(s.slug, s.name));
          offer.appendChild(document.createTextNode(" "));
        }
      }
    }
  };
}

// search/school-box.js
var TYPING_DELAY = 120;
function schoolBox(input, list, { ready, suggest, choose }) {
  let active = -1;
  let timer = null;
  let latest = 0;
  const options = () => Array.from(list.querySelectorAll('[role="option"]'));
  function setActive(index) {
    const all = options();
    active = index >= 0 && index < all.length ? index : -1;
    all.forEach((option, i) => {
      option.setAttribute("aria-selected", i === active ? "true" : "false");
    });
    if (active < 0) {
      input.removeAttribute("aria-activedescendant");
      return;
    }
    input.setAttribute("aria-activedescendant", all[active].id);
    all[active].scrollIntoView({ block: "nearest" });
  }
  function show(schools) {
    clear(list);
    schools.forEach((s, i) => {
      let extra = " (" + s.count + ")";
      if (s.matched) {
        extra = (s.matched_as === "former_name" ? " – formerly " : " – also known as ") + s.matched + extra;
      }
      const option = el("li", "search-suggestion", s.name);
      option.id = "search-school-option-" + i;
      option.setAttribute("role", "option");
      option.setAttribute("data-slug", s.slug);
      option.appendChild(el("span", "search-chip-extra", extra));
      list.appendChild(option);
    });
    list.hidden = schools.length === 0;
    input.setAttribute("aria-expanded", schools.length ? "true" : "false");
    setActive(-1);
  }
  function suggestSoon(first) {
    window.clearTimeout(timer);
    const text = input.value.trim();
    if (!text || !ready()) {
      show([]);
      return;
    }
    timer = window.setTimeout(() => {
      const id = suggest(text, (schools) => {
        if (id !== latest) return;
        show(schools);
        if (first === true) setActive(0);
      });
      latest = id;
    }, first === true ? 0 : TYPING_DELAY);
  }
  input.addEventListener("input", suggestSoon);
  input.addEventListener("keydown", (event) => {
    const open = !list.hidden;
    const count = options().length;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!open) {
        suggestSoon(true);
      } else if (event.key === "ArrowDown") {
        setActive(active + 1 < count ? active + 1 : 0);
      } else {
        setActive(active > 0 ? active - 1 : count - 1);
      }
    } else if (event.key === "Enter" && open && active >= 0) {
      event.preventDefault();
      choose(options()[active].getAttribute("data-slug"));
    } else if (event.key === "Escape") {
      if (open) {
        show([]);
      } else {
        input.value = "";
      }
    }
  });
  input.addEventListener("blur", () => show([]));
  list.addEventListener("mousedown", (event) => event.preventDefault());
  list.addEventListener("click", (event) => {
    const option = event.target.closest('[role="option"]');
    if (option) choose(option.getAttribute("data-slug"));
  });
  return {
    /* Closes the list of suggestions. */
    close() {
      show([]);
    }
  };
}

// search/search.js
var PAGE = 10;
var SUGGESTIONS = 8;
var TYPING_DELAY2 = 250;
var $ = (id) => document.getElementById(id);
function start(app2) {
  const nojs = $("search-nojs");
  const q = $("search-q");
  const schoolInput = $("search-school");
  const list = $("search-results");
  const more = $("search-more");
  const selects = {
    kind: $("search-kind"),
    region: $("search-region"),
    tag: $("search-tag"),
    year: $("search-year")
  };
  const begin = startingQuery();
  if (typeof Worker === "undefined" || typeof WebAssembly === "undefined") {
    return;
  }
  nojs.hidden = true;
  app2.hidden = false;
  const query = queryState(q, selects, begin.school);
  q.value = begin.query;
  if (begin.tag) {
    const option = selects.tag.appendChild(el("option", null, begin.tag));
    option.value = begin.tag;
    selects.tag.value = begin.tag;
  }
  const view = resultsView(list, more, $("search-status"));
  let ready = false;
  let docCount = 0;
  let unfiltered = null;
  let offset = 0;
  let lastId = 0;
  function showUnavailable(detail) {
    app2.setAttribute("data-state", "error");
    view.busy(false);
    nojs.hidden = false;
    view.setStatus("Search could not start" + (detail ? ": " + detail : ".") + " You can still browse testimonies by school.", "error");
  }
  let worker;
  try {
    worker = startWorker(app2.getAttribute("data-worker"), () => showUnavailable());
  } catch (e) {
    showUnavailable();
    return;
  }
  app2.setAttribute("data-state", "loading");
  view.busy(true);
  view.setStatus("Loading search…", "loading");
  const manifest = new URL(app2.getAttribute("data-manifest"), document.baseURI).href;
  const downloads = initialFiles(manifest, true).catch(() => null);
  downloads.then((files) => worker.ask({ type: "init", manifest, files }, (message) => {
    if (message.type !== "ready") {
      showUnavailable(message.message);
      return;
    }
    ready = true;
    docCount = message.doc_count;
    unfiltered = message.unfiltered;
    app2.setAttribute("data-state", "ready");
    view.busy(false);
    search(false);
  }));
  function show(results, append, cards, snippets) {
    const empty = query.isEmpty();
    view.show(results, append, empty, cards || [], snippets || []);
    if (results.school) {
      query.school = results.school.slug;
      schoolInput.value = "";
    }
    filters.show(results, empty);
    if (!empty && results.unknown_school) {
      query.school = null;
      schoolInput.value = results.unknown_school;
    }
    view.summarize(results, empty, docCount);
  }
  function search(append) {
    if (!ready) return;
    if (!append && unfiltered && query.isEmpty()) {
      lastId = null;
      view.busy(false);
      offset = 0;
      show(unfiltered, false);
      return;
    }
    const next = append ? offset + PAGE : 0;
    const request = query.request(next, PAGE);
    const failed = (message) => {
      view.busy(false);
      view.setStatus(message.message || "The search failed.", "error");
    };
    const id = worker.ask({ type: "search", request: { ...request, counts: false } }, (found) => {
      if (id !== lastId) return;
      if (found.type !== "results") return failed(found);
      const { results } = found;
      Promise.all(results.results.map((hit) => readResult(hit.url))).then((cards) => {
        if (id !== lastId) return;
        const texts = cards.map((card) => card ? card.text : "");
        worker.ask({ type: "snippets", query: request.query, texts }, (cut) => {
          if (id !== lastId) return;
          if (cut.type !== "snippets") return failed(cut);
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
  let uncounted = null;
  function count(request, id) {
    uncounted = null;
    if (!filtersPanel.open) {
      uncounted = [request, id];
      return;
    }
    const counting = { ...request, offset: 0, limit: 1, counts: true };
    filters.busy(true);
    worker.ask({ type: "search", request: counting }, (message) => {
      if (id !== lastId) return;
      filters.busy(false);
      if (message.type === "results") filters.show(message.results, query.isEmpty());
    });
  }
  const filtersPanel = $("search-filters");
  filtersPanel.addEventListener("toggle", () => {
    if (filtersPanel.open && uncounted) count(...uncounted);
  });
  function chooseSchool(slug) {
    query.school = slug;
    schoolInput.value = "";
    schools.close();
    search(false);
  }
  const filters = filtersView({
    panel: $("search-filters"),
    activeCount: $("search-filters-active"),
    selects,
    schoolFacets: $("search-school-facets"),
    chosen: $("search-school-chosen"),
    chosenName: $("search-school-chosen-name"),
    clearSchool: $("search-school-clear"),
    offer: $("search-offer")
  }, {
    school: chooseSchool,
    offer(slug) {
      q.value = "";
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
  const schools = schoolBox(schoolInput, $("search-school-suggestions"), {
    ready: () => ready,
    suggest: (text, answer) => worker.ask(
      { type: "suggest", text, limit: SUGGESTIONS },
      (message) => answer(message.type === "suggestions" ? message.schools : [])
    ),
    choose: chooseSchool
  });
  let typingTimer = null;
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    window.clearTimeout(typingTimer);
    const text = schoolInput.value.trim();
    if (text) {
      query.school = text;
      schools.close();
    }
    search(false);
  });
  q.addEventListener("input", () => {
    window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(() => search(false), TYPING_DELAY2);
  });
  more.addEventListener("click", () => search(true));
}
var app = $("search-app");
if (app) start(app);
