/* Quick exit ("Exit this page", GOV.UK pattern).
   Click the link, or press Shift three times within a second, to leave at once.
   The page content is hidden first, then the tab is sent to data-quick-exit-url
   with location.replace so Back does not return here. Without JavaScript the
   link is an ordinary link to the same address. */
(function () {
  'use strict';

  var link = document.querySelector('[data-quick-exit-url]');
  if (!link) return;

  var url = link.getAttribute('data-quick-exit-url') || link.getAttribute('href');
  if (!url) return;

  var EXITING = 'quick-exit-active';
  var WINDOW_MS = 1000;
  var presses = [];
  var title = document.title;

  function exit() {
    document.documentElement.classList.add(EXITING);
    document.title = '';
    try {
      window.sessionStorage.clear();
    } catch (e) {
      /* storage may be unavailable; leaving matters more */
    }
    window.location.replace(url);
  }

  link.addEventListener('click', function (event) {
    event.preventDefault();
    exit();
  });

  document.addEventListener('keydown', function (event) {
    if (event.key !== 'Shift') {
      presses = [];
      return;
    }
    if (event.repeat) return;
    var now = Date.now();
    presses = presses.filter(function (t) { return now - t < WINDOW_MS; });
    presses.push(now);
    if (presses.length >= 3) {
      presses = [];
      exit();
    }
  }, true);

  /* If the browser brings this page back from its cache, show it again. */
  window.addEventListener('pageshow', function (event) {
    if (!event.persisted) return;
    document.documentElement.classList.remove(EXITING);
    document.title = title;
  });

  var hint = document.querySelector('[data-quick-exit-hint]');
  if (hint) hint.hidden = false;
})();
