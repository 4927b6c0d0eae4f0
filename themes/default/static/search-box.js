/* Search boxes outside the search page (form.search-form or form[data-search-box]).
   The site's Content-Security-Policy blocks ordinary form submission, and the
   reader's words must never reach the address bar or history on a shared device,
   so the query goes to sessionStorage and the search page picks it up there. */
(function () {
  'use strict';

  var KEY = 'testimony.q';

  function samePath(a, b) {
    var strip = function (p) { return p.replace(/index\.html$/, ''); };
    return strip(a) === strip(b);
  }

  var forms = document.querySelectorAll('form.search-form, form[data-search-box]');

  Array.prototype.forEach.call(forms, function (form) {
    var target = new URL(form.getAttribute('action') || '', document.baseURI);
    /* The search page runs its own form; leave it alone. */
    if (samePath(target.pathname, window.location.pathname)) return;

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
