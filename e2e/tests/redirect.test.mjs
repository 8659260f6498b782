// After sign-in Waymark goes to the page named by `next`, but only ever to a page of its own:
// each trick known to turn a "local" redirect into another site's address must land here.
// The context bypasses the page's Content-Security-Policy (whose form-action 'self' would
// otherwise stop some of these in Chromium), so the server's own check is what is tested.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADMIN, launchBrowser, newContext, startWaymark } from './helpers.mjs';

const TRICKS = [
  '/\t/evil.example',
  '/\n/evil.example',
  '/\r\n/evil.example',
  '/\u000b/evil.example',
  '/%09/evil.example',
  '/%2F/evil.example',
  '//evil.example',
  '///evil.example',
  '/\\evil.example',
  '\\/evil.example',
  '/%5Cevil.example',
  'https://evil.example/',
  'https:evil.example',
  '//evil.example@127.0.0.1/',
  'javascript:alert(document.domain)',
  ' //evil.example',
  '/%0a/evil.example',
  '/%0d/evil.example',
  '%2F%2Fevil.example',
  '%5C%5Cevil.example',
  '%2F%09%2Fevil.example',
];

describe('the page after sign-in', { timeout: 180_000 }, () => {
  let server;
  let browser;

  before(async () => {
    server = await startWaymark();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('is always on this server, whatever `next` says', async () => {
    const home = new URL(server.url);
    const leaks = [];
    for (const next of TRICKS) {
      const context = await newContext(browser, server);
      const offSite = [];
      await context.route('**/*', (route) => {
        const url = new URL(route.request().url());
        if (url.host !== home.host) {
          offSite.push(url.href);
          return route.abort();
        }
        return route.continue();
      });
      const page = await context.newPage();
      await page.goto(`/sign-in?next=${encodeURIComponent(next)}`);
      await page.locator('#email').fill(ADMIN);
      await page.locator('#password').fill(server.password);
      const response = await Promise.all([
        page.waitForEvent('framenavigated', { predicate: (frame) => frame === page.mainFrame() && !frame.url().includes('/sign-in') , timeout: 15_000 }).catch(() => null),
        page.locator('form:has(#email) button[type=submit]').click(),
      ]);
      await page.waitForLoadState('load').catch(() => {});
      const landed = new URL(page.url());
      if (offSite.length > 0 || landed.host !== home.host) {
        leaks.push(`${JSON.stringify(next)} → ${page.url()} (off-site requests: ${offSite.join(', ') || 'none'})`);
      }
      assert.ok(response, 'the sign-in form was sent');
      await context.close();
    }
    assert.deepEqual(leaks, [], `sign-in left the site:\n${leaks.join('\n')}`);
  });

  it('keeps a path on this server, signing in again while signed in', async () => {
    const context = await newContext(browser, server);
    const page = await context.newPage();
    for (const next of ['/', '/my-actions']) {
      await page.goto(`/sign-in?next=${encodeURIComponent(next)}`);
      await page.locator('#email').fill(ADMIN);
      await page.locator('#password').fill(server.password);
      await Promise.all([
        page.waitForURL((url) => url.pathname === next),
        page.locator('form:has(#email) button[type=submit]').click(),
      ]);
    }
    await context.close();
  });
});
