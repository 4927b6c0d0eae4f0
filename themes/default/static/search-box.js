/* Search boxes outside the search page (form.search-form or form[data-search-box]).
   The site's Content-Security-Policy blocks ordinary form submission, and the
   reader's words must never reach the address bar or history on a shared device,
   so the query goes to sessionStorage and the search page picks it up there.
   While the reader is typing, the search page's program and index files are fetched
   into the browser's cache (they are content-addressed), so that the search page
   starts at once. */
(function () {
  'use strict';

  var KEY = 'testimony.q';

  function samePath(a, b) {
    var strip = function (p) { return p.replace(/index\.html$/, ''); };
    return strip(a) === strip(b);
  }

  var forms = document.querySelectorAll('form.search-form, form[data-search-box]');

  /* Fetches what the search page at `target` downloads before its first search: the
     files its manifest (in the search page's folder) names for the start. Once. */
  var warmed = false;
  function warmUp(target) {
    if (warmed || typeof fetch !== 'function') return;
    warmed = true;
    var manifest = new URL('manifest.json', target).href;
    var get = function (url) { return fetch(url, { credentials: 'same-origin' }); };
    get(manifest).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (names) {
      if (!names) return;
      [names.runtime, names.hot_file].forEach(function (name) {
        if (typeof name === 'string') {
          get(new URL(name, manifest).href).then(function (r) { return r.arrayBuffer(); })
            .catch(function () { /* the search page fetches it anyway */ });
        }
      });
    }).catch(function () { /* the search page fetches it anyway */ });
  }

  Array.prototype.forEach.call(forms, function (form) {
    var target = new URL(form.getAttribute('action') || '', document.baseURI);
    /* The search page runs its own form; leave it alone. */
    if (samePath(target.pathname, window.location.pathname)) return;

    var box = form.querySelector('input[name="q"]');
    if (box) box.addEventListener('input', function () { warmUp(target); });

    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var input = form.querySelector('input[name="q"]');
      var q = input ? input.value.trim() : '';
      try {
        if (q) {
          window.sessionStorage.setItem(KEY, q);
        } else {
          window.sessionStorage.removeItem(KEY);
        }
      } catch (e) {
        /* storage unavailable: the search page simply opens empty */
      }
      window.location.href = target.origin + target.pathname;
    });
  });
})();
