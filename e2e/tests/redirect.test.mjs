// Sign-in's `next`: whatever it holds, the browser ends up on this server. Each value is put in
// the sign-in address as an attacker's link would, the form is submitted, and the page the
// browser lands on (and every request it made) must be on Waymark's own origin.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADMIN, launchBrowser, newContext, startWaymark } from './helpers.mjs';

// As they would appear in a link's query string.
const TRICKS = [
  '/%09/evil.example',
  '/%0a/evil.example',
  '/%0d/evil.example',
  '/%0b/evil.example',
  '//evil.example',
  '%2F%2Fevil.example',
  '/%5Cevil.example',
  '%5C%5Cevil.example',
  '/%2F/evil.example',
  'https://evil.example/',
  'https:evil.example',
  '%2F%09%2Fevil.example',
  'javascript:alert(1)',
];

describe('signing in with a crafted next address', { timeout: 180_000 }, () => {
  let server;
  let browser;
  let context;
  let page;
  const offSite = [];

  before(async () => {
    server = await startWaymark();
    browser = await launchBrowser();
    context = await newContext(browser, server);
    const origin = new URL(server.url).origin;
    // Nothing may leave: any request to another origin is recorded and refused.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (new URL(url).origin === origin) return route.continue();
      offSite.push(url);
      return route.abort();
    });
    page = await context.newPage();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('never leaves the site, even signing in again while signed in', async () => {
    const origin = new URL(server.url).origin;
    for (const next of TRICKS) {
      await page.goto(`/sign-in?next=${next}`);
      await page.locator('#email').fill(ADMIN);
      await page.locator('#password').fill(server.password);
      await Promise.all([
        page.waitForURL((url) => url.pathname !== '/sign-in'),
        page.locator('form:has(#email) button[type=submit]').click(),
      ]);
      const landed = new URL(page.url());
      assert.equal(landed.origin, origin, `next=${next} landed on ${page.url()}`);
      assert.equal(landed.pathname, '/', `next=${next} landed on ${page.url()}`);
    }
    assert.deepEqual(offSite, [], 'no request left the site');
  });

  it('keeps a path on this server', async () => {
    await page.goto('/sign-in?next=/my-actions');
    await page.locator('#email').fill(ADMIN);
    await page.locator('#password').fill(server.password);
    await Promise.all([
      page.waitForURL((url) => url.pathname === '/my-actions'),
      page.locator('form:has(#email) button[type=submit]').click(),
    ]);
  });
});
