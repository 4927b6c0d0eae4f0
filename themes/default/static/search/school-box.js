/* The school box (#search-school), a combobox (WAI-ARIA "list autocomplete") over its listbox
 * of suggestions (#search-school-suggestions, <li role="option" data-slug>): focus stays in the
 * box, the arrow keys move the active suggestion (aria-activedescendant), Enter chooses it,
 * Escape closes the list (or, closed, empties the box). Typing asks for the schools that match
 * (typos tolerated).
 */

import { el, clear } from './dom.js';

const TYPING_DELAY = 120;

/* `ready()`: whether schools can be asked for yet; `suggest(text, show)` asks for the schools
   matching `text`, gives `show` the answer ([SchoolMatch]) and returns the question's id;
   `choose(slug)` is called when the reader chooses one. */
export function schoolBox(input, list, { ready, suggest, choose }) {
  let active = -1;
  let timer = null;
  let latest = 0; /* the id of the latest question: answers to older ones are out of date */

  const options = () => Array.from(list.querySelectorAll('[role="option"]'));

  function setActive(index) {
    const all = options();
    active = index >= 0 && index < all.length ? index : -1;
    all.forEach((option, i) => {
      option.setAttribute('aria-selected', i === active ? 'true' : 'false');
    });
    if (active < 0) {
      input.removeAttribute('aria-activedescendant');
      return;
    }
    input.setAttribute('aria-activedescendant', all[active].id);
    all[active].scrollIntoView({ block: 'nearest' });
  }

  function show(schools) {
    clear(list);
    schools.forEach((s, i) => {
      let extra = ' (' + s.count + ')';
      if (s.matched) {
        extra = (s.matched_as === 'former_name' ? ' – formerly ' : ' – also known as ') +
          s.matched + extra;
      }
      const option = el('li', 'search-suggestion', s.name);
      option.id = 'search-school-option-' + i;
      option.setAttribute('role', 'option');
      option.setAttribute('data-slug', s.slug);
      option.appendChild(el('span', 'search-chip-extra', extra));
      list.appendChild(option);
    });
    list.hidden = schools.length === 0;
    input.setAttribute('aria-expanded', schools.length ? 'true' : 'false');
    setActive(-1);
  }

  /* Asks for the schools matching the box; `first` makes the first of them active. */
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

  input.addEventListener('input', suggestSoon);
  input.addEventListener('keydown', (event) => {
    const open = !list.hidden;
    const count = options().length;
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
      choose(options()[active].getAttribute('data-slug'));
    } else if (event.key === 'Escape') {
      if (open) {
        show([]);
      } else {
        input.value = '';
      }
    }
  });
  input.addEventListener('blur', () => show([]));
  /* A pointer on a suggestion must not take focus from the box (which would close the list). */
  list.addEventListener('mousedown', (event) => event.preventDefault());
  list.addEventListener('click', (event) => {
    const option = event.target.closest('[role="option"]');
    if (option) choose(option.getAttribute('data-slug'));
  });

  return {
    /* Closes the list of suggestions. */
    close() {
      show([]);
    }
  };
}
