/* The filters beside the results, as the last counted answer counts them (an answer without
 * counts, which comes first, leaves them as they were until its counts come): the <select>s (kind, region,
 * topic, year) with counts, the schools in the results (#search-school-facets), the school
 * filter in force (#search-school-chosen) and the "Looking for a school?" offer. Each school
 * shown is a button with data-slug.
 *
 * The filters sit in a <details> (#search-filters), open from the start where there is room
 * for them beside the results, closed elsewhere so that the results come first; its summary
 * says how many filters are in force (#search-filters-active).
 */

import { el, clear } from './dom.js';

/* How many schools in the results are offered as filters. */
const SCHOOLS_SHOWN = 8;

/* Screens with room for the filters beside the results, in the margin to their left (style.css
   puts them there at the same width). Narrower, on a phone or a tablet, they start closed, one
   tap away, so that the results come first. */
const ROOM_FOR_FILTERS = '(min-width: 76rem)';

function schoolButton(slug, label, extra) {
  const button = el('button', 'search-chip', label);
  button.type = 'button';
  button.setAttribute('data-slug', slug);
  if (extra) button.appendChild(el('span', 'search-chip-extra', extra));
  return button;
}

/* Fills `select` with `values` ([FacetCount]) after its "any" option, keeping its choice; a
   filter with nothing to choose is hidden. */
function fillSelect(select, anyLabel, values) {
  const current = select.value;
  clear(select);
  select.appendChild(el('option', null, anyLabel)).value = '';
  for (const facet of values || []) {
    const option = el('option', null, facet.label + ' (' + facet.count + ')');
    option.value = facet.value;
    if (facet.selected || facet.value === current) option.selected = true;
    select.appendChild(option);
  }
  const field = select.closest('.search-filter');
  if (field) field.hidden = !values || values.length === 0;
}

/* `parts`: the elements; `on`: what the reader chose, as callbacks: school(slug) from the
   schools in the results, offer(slug) from the offer, clearSchool(), change() for a <select>. */
export function filtersView(parts, on) {
  const { panel, activeCount, selects, schoolFacets, chosen, chosenName, clearSchool, offer } = parts;
  const schoolFacetList = schoolFacets.querySelector('ul');
  panel.open = window.matchMedia(ROOM_FOR_FILTERS).matches;

  /* "Filters (2 active)": the school filter and each <select> with a choice. */
  function countActive() {
    const active = (chosen.hidden ? 0 : 1) +
      Object.values(selects).filter((select) => select.value).length;
    activeCount.textContent = active ? ' (' + active + ' active)' : '';
  }

  /* The "any" option of each <select>, as the page's template words it. */
  const anyLabels = {};
  for (const [key, select] of Object.entries(selects)) {
    anyLabels[key] = select.options.length ? select.options[0].textContent : '';
    select.addEventListener('change', () => {
      countActive();
      on.change();
    });
  }
  const slugOf = (event) => {
    const button = event.target.closest('button[data-slug]');
    return button ? button.getAttribute('data-slug') : null;
  };
  schoolFacets.addEventListener('click', (event) => {
    const slug = slugOf(event);
    if (slug) on.school(slug);
  });
  offer.addEventListener('click', (event) => {
    const slug = slugOf(event);
    if (slug) on.offer(slug);
  });
  clearSchool.addEventListener('click', () => {
    chosen.hidden = true;
    countActive();
    on.clearSchool();
  });

  return {
    /* Marks the counts as being counted, or not. */
    busy(counting) {
      if (counting) panel.setAttribute('aria-busy', 'true');
      else panel.removeAttribute('aria-busy');
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
        const inResults = results.school || empty
          ? [] : results.facets.school.slice(0, SCHOOLS_SHOWN);
        for (const facet of inResults) {
          const li = el('li');
          li.appendChild(schoolButton(facet.value, facet.label, ' (' + facet.count + ')'));
          schoolFacetList.appendChild(li);
        }
        schoolFacets.hidden = inResults.length < 2;
      }
      if (results.unknown_school) {
        panel.open = true; /* the school box gets the words back to correct: show it */
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
        offer.appendChild(document.createTextNode('Looking for a school? '));
        for (const s of suggested) {
          offer.appendChild(schoolButton(s.slug, s.name));
          offer.appendChild(document.createTextNode(' '));
        }
      }
    }
  };
}
