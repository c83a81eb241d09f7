// Runs the mocha suite inside the real extension host: opens the workbench with `extensionTestsPath` in
// the payload and waits for the workbench to call `window.codeAutomationExit(code)` when `run()` settles.
// Mocha's output arrives through `window.codeAutomationLog`. Exit code: 0 all passed, 1 otherwise.
import { format } from 'node:util';
import { env, launchBrowser, workbenchUrl, writeResults } from './workbench.mjs';

const testsPath = process.argv[2];
if (!testsPath) throw new Error('usage: node hostTests.mjs <absolute path of the bundled index.js>');
/** Workbench chatter that is expected offline (see the e2e doc, pitfall 11) and says nothing about the tests. */
const NOISE = [
  /ENOTFOUND open-vsx\.org/,
  /^Resolv(ing|ed) connection token/,
  /^Creating a socket/,
  /^Updating additional builtin extensions cache/,
  /^\[Service Worker\]/,
  /^ChatSessionStore:/,
];
const TIMEOUT_MS = Number(process.env.IOLENS_E2E_HOST_TIMEOUT_MS ?? 180_000);

const { browser, page } = await launchBrowser();
let exitCode = 1;
try {
  let done;
  const exited = new Promise((resolve) => (done = resolve));
  await page.exposeFunction('codeAutomationExit', (code) => done(code));
  await page.exposeFunction('codeAutomationLog', (_type, args) => {
    const list = Array.isArray(args) ? args : [args];
    const text = typeof list[0] === 'string' ? format(...list) : list.map((a) => JSON.stringify(a)).join(' ');
    if (!NOISE.some((re) => re.test(text))) console.log(text);
  });
  page.on('pageerror', (err) => console.log(`[page error] ${err.message}`));
  const t0 = Date.now();
  await page.goto(workbenchUrl({ testsPath }));
  const timer = new Promise((resolve) => setTimeout(() => resolve('timeout'), TIMEOUT_MS));
  const code = await Promise.race([exited, timer]);
  if (code === 'timeout') {
    console.log(`in-host tests did not finish within ${TIMEOUT_MS} ms`);
    await page.screenshot({ path: `${env.shots}/FAIL-host-timeout.png` }).catch(() => undefined);
    writeResults({ passed: 0, failed: 1, failures: [{ title: 'in-host suite', error: 'timeout' }] });
  } else {
    console.log(`in-host tests finished with code ${code} after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    exitCode = code === 0 ? 0 : 1;
  }
} finally {
  await browser.close();
}
process.exit(exitCode);
