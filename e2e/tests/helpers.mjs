// Shared pieces of the browser tests: start `waymark demo` on a free port with a fresh data
// folder, launch Debian's Chromium through playwright-core, sign in through the form, run axe-core
// on a page and save a full-page screenshot of it.

import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** The repository's root (e2e/tests/ is two levels down). */
export const repoRoot = path.resolve(here, '..', '..');

/** Where screenshots go: target/e2e-screenshots/ at the repository's root, never committed. */
export const screenshotDir =
  process.env.WAYMARK_SCREENSHOTS ?? path.join(repoRoot, 'target', 'e2e-screenshots');

/** The demo's password, used when the banner cannot be parsed. */
export const DEMO_PASSWORD = 'waymark-demo-2026';

export const ADMIN = 'priya.shah@northshire.example';
export const ACTION_OWNER = 'sam.okafor@northshire.example';

/** The WCAG 2.0, 2.1 and 2.2 A and AA rule tags of axe-core (axe 4.14 has no `wcag22a` rules). */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

// Debian's Chromium, as the machine notes require: no browser download, and no background
// networking (this machine's closed network refuses it).
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const STARTUP_TIMEOUT_MS = 60_000;

/**
 * Starts `$WAYMARK_BIN --data-dir <fresh temp dir> demo --bind 127.0.0.1:0` and resolves once it
 * prints its address. Returns { url, password, accounts, output, stop }.
 */
export async function startWaymark() {
  const binary = process.env.WAYMARK_BIN;
  if (!binary) {
    throw new Error(
      'WAYMARK_BIN is not set: build with `cargo build -p waymark` and run ' +
        'WAYMARK_BIN=/path/to/target/debug/waymark npm test (cargo xtask test does this)',
    );
  }
  const dataDir = await mkdtemp(path.join(tmpdir(), 'waymark-e2e-'));
  const child = spawn(binary, ['--data-dir', dataDir, 'demo', '--bind', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, WAYMARK_LOG: process.env.WAYMARK_LOG ?? 'warn' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  const started = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`waymark demo printed no address within ${STARTUP_TIMEOUT_MS} ms.\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, STARTUP_TIMEOUT_MS);
    const check = () => {
      // The accounts are printed after the address; wait for the closing line so they are read too.
      const address = stdout.match(/Waymark is running at (http:\/\/\S+?)\/?\s*$/m);
      if (address && /Press Ctrl\+C to stop\./.test(stdout)) {
        clearTimeout(timer);
        resolve(address[1]);
      }
    };
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      check();
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${binary}: ${error.message}`));
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`waymark demo exited (code ${code}, signal ${signal}) before serving.\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    });
  });

  const password = stdout.match(/\(password ([^)\s]+)\)/)?.[1] ?? DEMO_PASSWORD;
  const accounts = [...stdout.matchAll(/^\s+(\S+@\S+)\s+(.+)$/gm)].map((m) => ({ email: m[1], description: m[2].trim() }));

  let stopped = false;
  async function stop() {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
    await rm(dataDir, { recursive: true, force: true });
  }

  return { url: started, password, accounts, stdout: () => stdout, stderr: () => stderr, stop };
}

/** Launches Debian's headless Chromium. */
export async function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/**
 * A new browser context on the server. `bypassCSP` lets axe be injected as an inline script:
 * Waymark's Content-Security-Policy rightly forbids inline scripts.
 */
export async function newContext(browser, server) {
  return browser.newContext({
    baseURL: server.url,
    bypassCSP: true,
    viewport: { width: 1280, height: 900 },
    locale: 'en-GB',
  });
}

/** Signs in through the sign-in form and waits for the page it leads to. */
export async function signIn(page, server, email) {
  await page.goto('/sign-in');
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(server.password);
  await Promise.all([
    page.waitForURL((url) => url.pathname !== '/sign-in'),
    page.locator('form:has(#email) button[type=submit]').click(),
  ]);
}

/** Signs out with the header's button and waits for the sign-in page. */
export async function signOut(page) {
  await Promise.all([
    page.waitForURL((url) => url.pathname === '/sign-in'),
    page.getByRole('button', { name: 'Sign out' }).click(),
  ]);
}

let axeSource;

/** Runs axe-core with the WCAG A and AA tags on the page; returns its violations. */
export async function axeViolations(page) {
  axeSource ??= await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  const hasAxe = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!hasAxe) await page.addScriptTag({ content: axeSource });
  const results = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    WCAG_TAGS,
  );
  return results.violations;
}

/** One line per violation and per element: rule id, impact, help, URL and target selectors. */
export function formatViolations(name, url, violations) {
  const lines = [];
  for (const v of violations) {
    lines.push(`[${name}] ${v.id} (${v.impact}): ${v.help} — ${v.helpUrl}`);
    lines.push(`    page: ${url}`);
    for (const node of v.nodes) {
      lines.push(`    target: ${node.target.join(' ')}`);
      if (node.failureSummary) lines.push(`      ${node.failureSummary.replace(/\n/g, '\n      ')}`);
    }
  }
  return lines.join('\n');
}

/** A file-system-safe name for a screenshot. */
export function slug(name) {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 100);
}

/** Saves a full-page screenshot as target/e2e-screenshots/<name>.png; returns its path. */
export async function screenshot(page, name) {
  await mkdir(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${slug(name)}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Screenshots the page, then checks it with axe. Returns the violations, printed in full when
 * there are some, so a failing test names each rule, page and element.
 */
export async function checkPage(page, name) {
  await screenshot(page, name);
  const violations = await axeViolations(page);
  if (violations.length > 0) {
    console.log(formatViolations(name, page.url(), violations));
  }
  return violations;
}

/** Today's date in the local time zone as YYYY-MM-DD (the server uses local time too). */
export function isoDay(offsetDays = 0) {
  const d = new Date();
  d.setDate(d.getDate() + offsetDays);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Normalises whitespace, as text is compared in assertions. */
export function squash(text) {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}
