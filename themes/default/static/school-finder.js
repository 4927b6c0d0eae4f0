/* School finder: reveals a name box in [data-school-finder] and, on first focus,
   fetches the school list from data-schools-url (schools.json: name, slug, url,
   aliases, former_names, count). Up to 8 schools whose name, other names or former
   names contain what the reader typed are shown as links. Without JavaScript the
   A to Z links beside it still work. */
(function () {
  'use strict';

  var MAX = 8;

  /* Lower case, no accents, no apostrophes or full stops, other punctuation as spaces. */
  function norm(text) {
    return String(text == null ? '' : text)
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/['\u2018\u2019.]/g, '')
      .replace(/[\s!-\/:-@\[-`{-~\u2010-\u2015\u201c\u201d]+/g, ' ')
      .trim();
  }

  function plural(n, one, many) {
    return n + ' ' + (n === 1 ? one : many);
  }

  /* schools.json gives each school's address under the configured base_url; the link keeps
     only its path, on the site being read, so that a preview or local copy of the site links
     to its own pages and a link never leaves the site. */
  function onThisSite(href) {
    try {
      var u = new URL(href, document.baseURI);
      return new URL(u.pathname, window.location.origin).href;
    } catch (e) {
      return null;
    }
  }

  function prepare(data) {
    if (!Array.isArray(data)) return [];
    var out = [];
    data.forEach(function (s) {
      if (!s || typeof s.name !== 'string') return;
      var href = onThisSite(s.url);
      if (!href) return;
      var names = [{ text: s.name, label: '' }];
      (Array.isArray(s.aliases) ? s.aliases : []).forEach(function (a) {
        names.push({ text: String(a), label: 'also known as ' });
      });
      (Array.isArray(s.former_names) ? s.former_names : []).forEach(function (f) {
        names.push({ text: String(f), label: 'formerly ' });
      });
      names.forEach(function (n) { n.key = norm(n.text); });
      out.push({ name: s.name, href: href, count: Number(s.count) || 0, names: names });
    });
    return out;
  }

  /* Rank: a name that starts with the query, then a word that does, then anywhere. */
  function find(schools, query) {
    var q = norm(query);
    if (!q) return [];
    var hits = [];
    schools.forEach(function (s, order) {
      var best = null;
      s.names.forEach(function (n) {
        var pos = n.key.indexOf(q);
        if (pos === -1) return;
        var rank = pos === 0 ? 0 : (n.key.indexOf(' ' + q) !== -1 ? 1 : 2);
        if (!best || rank < best.rank || (rank === best.rank && !n.label && best.via.label)) {
          best = { rank: rank, via: n };
        }
      });
      if (best) hits.push({ school: s, rank: best.rank, via: best.via, order: order });
    });
    hits.sort(function (a, b) { return a.rank - b.rank || a.order - b.order; });
    return hits;
  }

  function setup(root) {
    var url = root.getAttribute('data-schools-url');
    var box = root.querySelector('[data-finder-box]');
    var input = root.querySelector('[data-finder-input]');
    var list = root.querySelector('[data-finder-list]');
    var status = root.querySelector('[data-finder-status]');
    if (!url || !box || !input || !list || !status) return;

    var schools = null;
    var loading = null;
    var failed = false;
    var timer = 0;
    box.hidden = false;

    function load() {
      if (schools) return Promise.resolve(schools);
      if (!loading) {
        loading = fetch(url, { credentials: 'same-origin' })
          .then(function (response) {
            if (!response.ok) throw new Error('HTTP ' + response.status);
            return response.json();
          })
          .then(function (data) {
            schools = prepare(data);
            failed = false;
            return schools;
          })
          .catch(function () {
            loading = null;
            failed = true;
            return null;
          });
      }
      return loading;
    }

    function render() {
      var query = input.value;
      list.textContent = '';
      if (!norm(query)) {
        status.textContent = '';
        return;
      }
      if (!schools) {
        status.textContent = failed
          ? 'The list of schools could not be loaded. Please use the A to Z links.'
          : 'Loading the list of schools…';
        return;
      }
      var hits = find(schools, query);
      if (hits.length === 0) {
        status.textContent = 'No school matches that name. Try fewer letters, or use the A to Z links.';
        return;
      }
      status.textContent = hits.length > MAX
        ? plural(hits.length, 'school matches', 'schools match') + '. The first ' + MAX + ' are shown.'
        : plural(hits.length, 'school matches', 'schools match') + '.';
      hits.slice(0, MAX).forEach(function (hit) {
        var li = document.createElement('li');
        var a = document.createElement('a');
        a.href = hit.school.href;
        a.textContent = hit.school.name;
        li.appendChild(a);
        var meta = document.createElement('span');
        meta.className = 'finder-meta';
        var via = hit.via.label ? hit.via.label + hit.via.text + ', ' : '';
        meta.textContent = ' (' + via + plural(hit.school.count, 'testimony', 'testimonies') + ')';
        li.appendChild(meta);
        list.appendChild(li);
      });
    }

    function update() {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        load().then(render);
      }, 150);
    }

    input.addEventListener('focus', function () { load().then(render); });
    input.addEventListener('input', update);
    input.addEventListener('keydown', function (event) {
      if (event.key === 'Escape' && input.value) {
        input.value = '';
        render();
      } else if (event.key === 'ArrowDown') {
        var first = list.querySelector('a');
        if (first) {
          event.preventDefault();
          first.focus();
        }
      }
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll('[data-school-finder]'), setup);
})();
