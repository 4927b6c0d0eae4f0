// Runs Mozilla's HTTP Observatory (@mdn/mdn-http-observatory, its library API `scan`) against
// 127.0.0.1:PORT and prints each test's result and the grade.
//
// Usage: node scan.mjs 127.0.0.1:PORT [--https] [--json FILE]
//
// How a port is scanned: the package's `scan(host)` builds its URLs as `http://${host}` and
// `https://${host}` (its `options` argument is not passed on to the retriever in 1.4.x, so there
// is no port option to use), and "127.0.0.1:PORT" makes those http://127.0.0.1:PORT and
// https://127.0.0.1:PORT: both schemes at one port. serve.mjs answers both there when given a
// certificate, and only plain HTTP otherwise.
//
// Plain HTTP (the default): the https:// request finds no TLS, so the Observatory grades the
// http:// response, as for a site with no HTTPS. Two tests can only pass over HTTPS, so they
// are reported apart and do not fail the run:
//   - redirection: passes when http:// redirects to https:// on the same host; with no HTTPS
//     there is nowhere to redirect to (Netlify redirects http:// to https:// by itself).
//   - strict-transport-security: read only from an https:// response (browsers ignore HSTS sent
//     over http://), so without HTTPS the header is "not implemented", whatever it says.
// Every other test must pass.
//
// --https: serve.mjs has a certificate for 127.0.0.1 from a throwaway local CA that this process
// trusts through NODE_EXTRA_CA_CERTS (set by run.sh), and redirects http:// to https:// as
// Netlify does; then every test must pass, and the grade is what the real host would get.
//
// Exit status: 0 when every test that must pass passes, 1 otherwise, 2 when the scan failed.

import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const HTTPS_ONLY = {
  redirection:
    'passes only when http:// redirects to https:// on the same host, and plain HTTP has no https:// to redirect to (Netlify redirects by itself once the site has its certificate)',
  'strict-transport-security':
    'the Observatory reads HSTS only from an https:// response with a valid certificate (browsers ignore it over http://), so over plain HTTP it is "not implemented" whatever the header says',
};

const args = process.argv.slice(2);
const host = args.find((a) => !a.startsWith('--') && args[args.indexOf(a) - 1] !== '--json');
const overHttps = args.includes('--https');
const jsonOut = args.includes('--json') ? args[args.indexOf('--json') + 1] : null;
if (!host || !/^127\.0\.0\.1:\d+$/.test(host)) {
  console.error('usage: node scan.mjs 127.0.0.1:PORT [--https] [--json FILE] (loopback only)');
  process.exit(2);
}

// The package's install script downloads Chromium's HSTS preload list into conf/; installed with
// --ignore-scripts (and with no network beyond the npm registry) it has none. 127.0.0.1 is in no
// preload list, so an empty list gives the answer the real list would.
const require = createRequire(import.meta.url);
const packageDir = path.dirname(require.resolve('@mdn/mdn-http-observatory/package.json'));
const preload = path.join(packageDir, 'conf', 'hsts-preload.json');
if (!fs.existsSync(preload)) fs.writeFileSync(preload, '{}\n');

const { scan } = await import('@mdn/mdn-http-observatory');

let result;
try {
  result = await scan(host);
} catch (error) {
  console.error(`The Observatory could not scan ${host}: ${error.message}`);
  process.exit(2);
}

const { scan: summary, tests } = result;
const rows = Object.values(tests).map((test) => {
  const name = test.constructor.name;
  const httpsOnly = !overHttps && name in HTTPS_ONLY;
  return {
    name,
    pass: Boolean(test.pass),
    result: test.result,
    scoreModifier: test.scoreModifier ?? 0,
    httpsOnly,
  };
});

const width = Math.max(...rows.map((r) => r.name.length));
console.log(`HTTP Observatory (algorithm ${summary.algorithmVersion}) on ${overHttps ? 'https' : 'http'}://${host}/ (status ${summary.statusCode})`);
for (const row of rows) {
  const verdict = row.pass ? 'PASS' : row.httpsOnly ? 'HTTPS-ONLY' : 'FAIL';
  const modifier = row.scoreModifier > 0 ? `+${row.scoreModifier}` : `${row.scoreModifier}`;
  console.log(`  ${verdict.padEnd(10)} ${row.name.padEnd(width)}  ${modifier.padStart(4)}  ${row.result}`);
}
console.log(`  score ${summary.score}, grade ${summary.grade}: ${summary.testsPassed} of ${summary.testsQuantity} tests passed`);

const httpsOnlyFailures = rows.filter((r) => !r.pass && r.httpsOnly);
for (const row of httpsOnlyFailures) {
  console.log(`  HTTPS-only: ${row.name}: ${HTTPS_ONLY[row.name]}`);
}
const failures = rows.filter((r) => !r.pass && !r.httpsOnly);

if (jsonOut) {
  const { responseHeaders, ...rest } = summary;
  fs.writeFileSync(jsonOut, `${JSON.stringify({ scan: rest, responseHeaders, tests: rows }, null, 2)}\n`);
}

if (failures.length > 0) {
  console.log(`  FAILED: ${failures.map((r) => r.name).join(', ')}`);
  process.exit(1);
}
