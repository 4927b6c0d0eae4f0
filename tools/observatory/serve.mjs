// A static file server on 127.0.0.1 that sends the headers of a netlify.toml the way Netlify
// does, so the HTTP Observatory (and a browser) sees the site as a reader on the real host would.
// It mirrors tests/testsuite/server.rs, the server the Rust browser tests use.
//
// Usage: node serve.mjs --root DIR [--config netlify.toml] [--port 0]
//                       [--tls-cert cert.pem --tls-key key.pem]
// Prints "listening http://127.0.0.1:PORT/" once it accepts connections (PORT 0 = a free one).
//
// With --tls-cert/--tls-key the same port also speaks HTTPS (the first byte of a connection
// tells a TLS handshake from a plain request), and a plain-HTTP request is answered as Netlify
// answers one: 301 to the same path over https. One port for both lets a scanner that is given
// "127.0.0.1:PORT" find http:// and https:// at the same place, as it would at ports 80 and 443.
//
// Netlify's rules, as @netlify/headers-parser and `netlify dev` apply them:
// - `for` is matched against the request's path, case-insensitively, with an optional trailing
//   slash; a `*` that is a whole segment matches anything (that segment optional, so `/a/*`
//   also matches `/a`), a `*` inside a segment matches any run of characters (the rest of the
//   segment is literal: `/search/*.wasm` does not match `/search/xwasm`), `:name` matches one
//   segment.
// - Every matching rule applies, in file order; a header set by several keeps the last value.
// - Values are trimmed and their comma-separated parts joined with ", "; arrays joined likewise.
// - Netlify sets Content-Type from the file's extension unless a rule sets it.
// - A missing file gets /404.html with status 404; a folder asked without its slash is
//   redirected to the slash (Netlify's pretty URLs); folders are served by their index.html.

import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseToml } from 'smol-toml';

const CONTENT_TYPES = {
  html: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  json: 'application/json',
  webmanifest: 'application/manifest+json',
  xml: 'application/xml',
  svg: 'image/svg+xml',
  png: 'image/png',
  ico: 'image/x-icon',
  woff2: 'font/woff2',
  wasm: 'application/wasm',
  txt: 'text/plain; charset=utf-8',
};

export function contentType(file) {
  return CONTENT_TYPES[path.extname(file).slice(1).toLowerCase()] ?? 'application/octet-stream';
}

const escapeRegExp = (text) => text.replace(/[|\\{}()[\]^$+*?.]/g, '\\$&');

/** Netlify's `for` pattern as a RegExp (see the list above). */
export function forRegExp(pattern) {
  const parts = pattern
    .trim()
    .split('/')
    .map((part) => part.trimEnd())
    .filter(Boolean)
    .map((part) => {
      if (part.startsWith(':')) return '([^/]+)';
      if (part === '*') return '?(.*)';
      return part.split('*').map(escapeRegExp).join('(.*)');
    });
  return new RegExp(`^/${parts.join('/')}/?$`, 'iu');
}

function normalizeValue(name, value) {
  if (Array.isArray(value)) return value.map((v) => String(v).trim()).join(', ');
  if (typeof value !== 'string') throw new TypeError(`header ${name}: value must be a string`);
  return value.trim().split(/\s*,\s*/g).join(', ');
}

/** The `[[headers]]` rules of a netlify.toml: [{ for, regexp, values: [[name, value]] }]. */
export function readRules(configPath) {
  const config = parseToml(fs.readFileSync(configPath, 'utf8'));
  return (config.headers ?? []).map((rule, index) => {
    if (typeof rule.for !== 'string') throw new TypeError(`[[headers]] ${index + 1}: no "for"`);
    const values = Object.entries(rule.values ?? {}).map(([name, value]) => [
      name.trim(),
      normalizeValue(name, value),
    ]);
    return { for: rule.for.trim(), regexp: forRegExp(rule.for), values };
  });
}

/** The headers every matching rule sets for `urlPath`, later rules winning, names kept as written. */
export function headersForPath(rules, urlPath) {
  const headers = new Map(); // lower-case name -> [name, value]
  for (const rule of rules) {
    if (!rule.regexp.test(urlPath)) continue;
    for (const [name, value] of rule.values) headers.set(name.toLowerCase(), [name, value]);
  }
  return [...headers.values()];
}

function isFile(file) {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function isDir(file) {
  try {
    return fs.statSync(file).isDirectory();
  } catch {
    return false;
  }
}

/** { file } to serve, { redirect } to send, or {} when nothing is there. */
function resolve(root, urlPath) {
  if (urlPath.includes('\0') || urlPath.split('/').some((s) => s === '..')) return {};
  const file = path.join(root, urlPath);
  if (file !== root && !file.startsWith(root + path.sep)) return {};
  if (urlPath.endsWith('/')) {
    const index = path.join(file, 'index.html');
    return isFile(index) ? { file: index } : {};
  }
  if (isFile(file)) return { file };
  if (isDir(file) && isFile(path.join(file, 'index.html'))) return { redirect: `${urlPath}/` };
  return {};
}

function handler(root, rules, httpsRedirect) {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let urlPath;
    try {
      urlPath = decodeURIComponent(url.pathname);
    } catch {
      urlPath = url.pathname;
    }
    const send = (status, headers, body) => {
      for (const [name, value] of headersForPath(rules, urlPath)) headers.push([name, value]);
      const seen = new Map();
      for (const [name, value] of headers) seen.set(name.toLowerCase(), [name, value]);
      for (const [name, value] of seen.values()) res.setHeader(name, value);
      res.setHeader('Content-Length', body.length);
      res.writeHead(status);
      res.end(req.method === 'HEAD' ? undefined : body);
    };

    if (httpsRedirect && !req.socket.encrypted) {
      const host = req.headers.host ?? `127.0.0.1:${req.socket.localPort}`;
      const location = `https://${host}${url.pathname}${url.search}`;
      send(301, [['Location', location], ['Content-Type', 'text/plain; charset=utf-8']],
        Buffer.from(`Redirecting to ${location}\n`));
      return;
    }
    const found = resolve(root, urlPath);
    if (found.redirect) {
      send(301, [['Location', found.redirect + url.search], ['Content-Type', 'text/plain; charset=utf-8']],
        Buffer.from(`Redirecting to ${found.redirect}\n`));
      return;
    }
    const file = found.file ?? resolve(root, '/404.html').file;
    const body = file ? fs.readFileSync(file) : Buffer.from('Not Found\n');
    send(found.file ? 200 : 404, [['Content-Type', file ? contentType(file) : 'text/plain; charset=utf-8']], body);
  };
}

/** Starts the server; resolves to { port, close() }. */
export function serve({ root, config, port = 0, tlsCert, tlsKey }) {
  const absRoot = path.resolve(root);
  const rules = readRules(config);
  const tls = tlsCert && tlsKey;
  const onRequest = handler(absRoot, rules, Boolean(tls));
  const plain = http.createServer(onRequest);
  const secure = tls
    ? https.createServer({ cert: fs.readFileSync(tlsCert), key: fs.readFileSync(tlsKey) }, onRequest)
    : null;
  const front = net.createServer((socket) => {
    socket.once('data', (chunk) => {
      socket.pause();
      socket.unshift(chunk);
      // 0x16: a TLS handshake record; anything else is taken for plain HTTP.
      (secure && chunk[0] === 0x16 ? secure : plain).emit('connection', socket);
      process.nextTick(() => socket.resume());
    });
    socket.on('error', () => socket.destroy());
  });
  return new Promise((done, fail) => {
    front.once('error', fail);
    front.listen(port, '127.0.0.1', () => {
      done({
        port: front.address().port,
        close: () =>
          new Promise((closed) => {
            front.close(() => closed());
            plain.closeAllConnections();
            secure?.closeAllConnections();
          }),
      });
    });
  });
}

function parseArgs(argv) {
  const options = { config: 'netlify.toml', port: 0 };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    const key = { '--root': 'root', '--config': 'config', '--port': 'port', '--tls-cert': 'tlsCert', '--tls-key': 'tlsKey' }[flag];
    if (!key || value === undefined) {
      console.error(`usage: node serve.mjs --root DIR [--config netlify.toml] [--port 0] [--tls-cert FILE --tls-key FILE]`);
      process.exit(2);
    }
    options[key] = key === 'port' ? Number(value) : value;
  }
  if (!options.root) {
    console.error('serve.mjs: --root is required');
    process.exit(2);
  }
  return options;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const options = parseArgs(process.argv.slice(2));
  const server = await serve(options);
  console.log(`listening http://127.0.0.1:${server.port}/${options.tlsCert ? ' (and https:// on the same port)' : ''}`);
  const stop = () => server.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
