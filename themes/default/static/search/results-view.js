/* The results: the list of testimonies found (<ol id="search-results"> of li.result > h2 > a,
 * p.meta, p.snippet > mark), the "Show more results" button and the status line. Each result
 * is what its page says (result-pages.js) with its snippet; matched words are wrapped in
 * <mark> elements made here; nothing is inserted as HTML.
 */

import { el, clear } from './dom.js';
import { safePath } from './result-pages.js';

/* "2021-03-28" → "28 March 2021", as the theme's pages show dates (month name in the page's
   language). */
let monthName = null;
try {
  monthName = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    month: 'long', timeZone: 'UTC'
  });
} catch (e) {
  /* unknown language tag: keep the ISO date */
}
function humanDate(iso) {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(iso) ? new Date(iso + 'T00:00:00Z') : null;
  if (!monthName || !date || isNaN(date.getTime())) return iso;
  return date.getUTCDate() + ' ' + monthName.format(date) + ' ' + date.getUTCFullYear();
}

function snippet(parts) {
  const p = el('p', 'snippet');
  for (const part of parts || []) {
    p.appendChild(part.mark ? el('mark', null, part.text) : document.createTextNode(part.text));
  }
  return p;
}

/* One result: `hit` ({id, url}) as its page shows it (`card`, or null when the page could not
   be read) with its snippet (`parts`). */
function result(hit, card, parts) {
  const li = el('li', 'result card');
  const h = el('h2', 'card-title');
  const title = (card && card.title) || 'Testimony #' + hit.id;
  if (safePath(hit.url)) {
    const a = el('a', null, title);
    a.href = hit.url;
    h.appendChild(a);
  } else {
    h.textContent = title;
  }
  li.appendChild(h);
  if (!card) {
    li.appendChild(el('p', 'meta', 'This testimony could not be loaded. Open it to read it.'));
    return li;
  }
  const meta = el('p', 'meta');
  const time = el('time', null, humanDate(card.published));
  time.setAttribute('datetime', card.published);
  meta.appendChild(time);
  if (card.schools.length) {
    const sep = el('span', 'sep', '·');
    sep.setAttribute('aria-hidden', 'true');
    meta.appendChild(document.createTextNode(' '));
    meta.appendChild(sep);
    meta.appendChild(document.createTextNode(' ' + card.schools.join(', ')));
  }
  li.appendChild(meta);
  if (card.warnings.length) {
    const cw = el('p', 'cw-labels');
    cw.appendChild(el('strong', null, 'Content warning:'));
    cw.appendChild(document.createTextNode(' ' + card.warnings.join(', ')));
    li.appendChild(cw);
    const details = el('details', 'cw search-cw');
    details.appendChild(el('summary', null, 'Show matching text'));
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

export function resultsView(list, more, status) {
  function setStatus(text, kind) {
    status.textContent = text;
    status.className = 'search-status' + (kind ? ' search-status-' + kind : '');
  }

  return {
    setStatus,

    /* Marks the list as waiting for an answer, or not. */
    busy(waiting) {
      if (waiting) list.setAttribute('aria-busy', 'true');
      else list.removeAttribute('aria-busy');
    },

    /* Lists `results` (SearchResults), after those shown when `append`; none when nothing was
       asked for (`empty`). `cards[i]` and `snippets[i]` are what result i shows. */
    show(results, append, empty, cards, snippets) {
      if (!append) clear(list);
      if (!empty) {
        results.results.forEach((hit, i) =>
          list.appendChild(result(hit, cards[i], snippets[i])));
      }
      more.hidden = empty || list.children.length >= results.total;
    },

    /* Says what `results` found, out of `docCount` testimonies. */
    summarize(results, empty, docCount) {
      const where = results.school ? ' at ' + results.school.name : '';
      if (empty) {
        setStatus('Type words to search ' + docCount + ' ' +
          plural(docCount, 'testimony', 'testimonies') + ', or choose a school.', null);
      } else if (results.unknown_school) {
        setStatus('No school matches “' + results.unknown_school + '”. Check the spelling, ' +
          'or clear the school box.', 'error');
      } else if (results.total === 0) {
        setStatus('No testimonies found' + where + '.', null);
      } else {
        const warning = results.warnings.length ? ' ' + results.warnings[0] : '';
        setStatus(results.total + ' ' + plural(results.total, 'testimony', 'testimonies') +
          ' found' + where + '.' + warning, null);
      }
    }
  };
}
