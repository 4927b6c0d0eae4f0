/* What a result shows, read from its testimony's own page (the index holds no text): the title,
 * the date, the schools, the content warnings, and the text its snippet is cut from. The page
 * is downloaded as any link would load it, parsed into an inert document (DOMParser runs no
 * script and loads nothing) and only its text and a few attributes are read; nothing of it is
 * put into this page as HTML. The marks read are those themes/default/templates/testimony.html
 * promises.
 */

/* Only same-site paths from our own index; anything else is neither fetched nor made a link. */
export function safePath(url) {
  return typeof url === 'string' && url.charAt(0) === '/' && url.charAt(1) !== '/' &&
    url.indexOf('\\') === -1;
}

const words = (node) => (node ? node.textContent.replace(/\s+/g, ' ').trim() : '');

/* {title, published, schools: [name], warnings: [text], text} of the testimony at `url`, or
   null when its page cannot be read. */
export async function readResult(url) {
  if (!safePath(url)) return null;
  try {
    const response = await fetch(url, { credentials: 'same-origin' });
    if (!response.ok) return null;
    const page = new DOMParser().parseFromString(await response.text(), 'text/html');
    const time = page.querySelector('.facts time[datetime]');
    return {
      title: words(page.querySelector('.testimony h1')),
      published: time ? time.getAttribute('datetime') : '',
      schools: Array.from(page.querySelectorAll('.facts .schools a'), words),
      warnings: Array.from(page.querySelectorAll('.cw-notice li'), words),
      text: Array.from(page.querySelectorAll('.testimony-body'), words).join(' ')
    };
  } catch (error) {
    return null;
  }
}
