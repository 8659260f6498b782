// axe-core (WCAG 2.0, 2.1 and 2.2, A and AA) on every page of the demo. Pages are found by
// following links from the home page, as the administrator (who sees every page), and checked
// once per kind of page: the same path with other ids or other values in the same query
// parameters counts as the same kind (each plan is its own kind, so both plans are checked).
// Pages only reached through forms (sign-in errors, an update with errors), pages "as at" an
// earlier date, the error page, the action owner's "My actions" and own overdue actions, a plan
// filtered by tag and a parent item with a derived RAG are added by hand. Every page
// is also saved as a full-page screenshot under target/e2e-screenshots/.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ACTION_OWNER,
  ADMIN,
  checkPage,
  formatViolations,
  isoDay,
  launchBrowser,
  newContext,
  signIn,
  squash,
  startWaymark,
} from './helpers.mjs';

// A safety net: the demo has a few dozen kinds of page; a crawl that finds far more is looping.
const MAX_PAGES = 80;
// A day when the demo's plans existed but stood differently.
const EARLIER = isoDay(-100);

/**
 * The kind of page a URL shows: ids of items and indicators are replaced, plan ids kept; query
 * parameters are kept by name, their values dropped.
 */
function pageKind(url) {
  const path = url.pathname
    .replace(/^\/(items|indicators)\/\d+/, '/$1/{id}')
    .replace(/\/$/, '') || '/';
  const names = [...new Set([...url.searchParams.keys()])].sort();
  return names.length ? `${path}?${names.join('&')}` : path;
}

/** Links worth following: same origin, HTML pages, not assets, the API, actions or downloads. */
function followable(url, origin) {
  if (url.origin !== origin) return false;
  // Downloads (a plan's export, the audit trail's CSV) are files, not pages.
  if (/\/export$|\.csv$/.test(url.pathname)) return false;
  // Files kept as evidence are attachments.
  if (/^\/evidence\/\d+\/file$/.test(url.pathname)) return false;
  // Lists' own downloads (?format=csv or xlsx) are files too.
  if (['csv', 'xlsx'].includes(url.searchParams.get('format'))) return false;
  return !/^\/(assets|api)\//.test(url.pathname) && !['/health', '/sign-out'].includes(url.pathname);
}

describe('accessibility of every page', { timeout: 600_000 }, () => {
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

  /** Checks the page now open, failing with every violation listed. */
  async function assertAccessible(page, name) {
    const violations = await checkPage(page, name);
    assert.equal(violations.length, 0, `axe found ${violations.length} violation(s) on ${name}:\n${formatViolations(name, page.url(), violations)}`);
  }

  it('sign-in page', async () => {
    const context = await newContext(browser, server);
    const page = await context.newPage();
    try {
      const response = await page.goto('/sign-in');
      assert.equal(response.status(), 200);
      await assertAccessible(page, 'a11y sign-in');
    } finally {
      await context.close();
    }
  });

  it('sign-in page with an error', async () => {
    const context = await newContext(browser, server);
    const page = await context.newPage();
    try {
      await page.goto('/sign-in');
      await page.locator('#email').fill(ADMIN);
      await page.locator('#password').fill('not the password');
      await Promise.all([page.waitForLoadState('load'), page.locator('form:has(#email) button[type=submit]').click()]);
      await page.locator('.govuk-error-summary').waitFor();
      await assertAccessible(page, 'a11y sign-in error');
    } finally {
      await context.close();
    }
  });

  it("the action owner's My actions (with an overdue action)", async () => {
    const context = await newContext(browser, server);
    const page = await context.newPage();
    try {
      await signIn(page, server, ACTION_OWNER);
      const response = await page.goto('/my-actions');
      assert.equal(response.status(), 200);
      assert.ok(await page.locator('table.wm-items .wm-flag', { hasText: 'Overdue' }).count() > 0, 'an overdue action is listed');
      await assertAccessible(page, 'a11y my-actions action owner');
    } finally {
      await context.close();
    }
  });

  it("the action owner's own overdue actions in a plan, from the plan page's pointer", async () => {
    const context = await newContext(browser, server);
    const page = await context.newPage();
    try {
      await signIn(page, server, ACTION_OWNER);
      await page.goto('/plans/1');
      const pointer = page.locator('.wm-my-actions');
      assert.match(squash(await pointer.innerText()), /^You own \d+ actions? in this plan, and \d+ (is|are) overdue\./);
      await Promise.all([
        page.waitForURL((url) => url.searchParams.get('mine') === '1' && url.searchParams.get('flag') === 'overdue'),
        pointer.getByRole('link', { name: /^Show your overdue action/ }).click(),
      ]);
      assert.match(squash(await page.locator('#filter-summary').innerText()), /overdue, owned by your post \(Head of Contact Management\)/);
      await assertAccessible(page, 'a11y plan your overdue actions');
    } finally {
      await context.close();
    }
  });

  it('a plan filtered by a tag, and a parent item with the RAG derived from its actions', async () => {
    const context = await newContext(browser, server);
    const page = await context.newPage();
    try {
      await signIn(page, server, ADMIN);
      await page.goto('/plans/2');
      const tags = await page.locator('#tag option').evaluateAll((options) => options.map((o) => o.value).filter(Boolean));
      assert.ok(tags.includes('Theme: Victims'), `the demo's delivery plan offers its tags: ${JSON.stringify(tags)}`);
      await page.locator('#tag').selectOption('Theme: Victims');
      await Promise.all([
        page.waitForURL((url) => url.searchParams.get('tag') === 'Theme: Victims'),
        page.locator('form[role=search]').getByRole('button', { name: 'Apply' }).click(),
      ]);
      const rows = page.locator('table.wm-items tbody tr');
      assert.ok(await rows.count() > 0, 'some items are tagged Theme: Victims');
      for (const row of await rows.all()) {
        assert.ok((await row.locator('.wm-item-tag').allInnerTexts()).map(squash).includes('Theme: Victims'), `every row carries the tag: ${squash(await row.innerText())}`);
      }
      await assertAccessible(page, 'a11y plan filtered by tag');

      // The delivery plan's first strategic aim has no RAG of its own: it shows its actions' worst.
      await page.goto('/plans/2');
      const aim = page.locator('table.wm-items tbody tr.wm-parent-row').first();
      assert.match(squash(await aim.locator('td.wm-col-rag').innerText()), /^(Red|Amber|Green|Blue|Not assessed) from \d+ actions?$/);
      await Promise.all([page.waitForURL(/\/items\/\d+$/), aim.getByRole('link').click()]);
      const rag = page.locator('.govuk-summary-list__row').filter({ has: page.locator('dt', { hasText: 'RAG status' }) });
      assert.match(squash(await rag.innerText()), /Worked out from the actions under this strategic aim/);
      await assertAccessible(page, 'a11y parent item with derived RAG');
    } finally {
      await context.close();
    }
  });

  describe('pages reached from the home page, signed in as the administrator', () => {
    let context;
    let page;
    const visited = new Map(); // kind -> URL checked
    const statuses = new Map(); // kind -> HTTP status

    before(async () => {
      context = await newContext(browser, server);
      page = await context.newPage();
      await signIn(page, server, ADMIN);
    });

    after(async () => {
      await context?.close();
    });

    it('every kind of page has no violations', async (t) => {
      const origin = new URL(server.url).origin;
      // Seeds: the home page, a plan as it stood earlier (its item links carry ?as_at=), and an
      // error page (a plan that does not exist).
      const queue = ['/', `/plans/1?as_at=${EARLIER}`, '/plans/999999'].map((p) => new URL(p, origin));
      const expectedStatus = new Map([['/plans/999999', 404]]);
      const failures = [];

      while (queue.length > 0) {
        const url = queue.shift();
        const kind = pageKind(url);
        if (visited.has(kind)) continue;
        if (visited.size >= MAX_PAGES) {
          failures.push(`more than ${MAX_PAGES} kinds of page found; stopped at ${url.href}`);
          break;
        }
        visited.set(kind, url.pathname + url.search);
        await t.test(kind, async () => {
          const response = await page.goto(url.href);
          statuses.set(kind, response.status());
          const expected = expectedStatus.get(url.pathname + url.search) ?? 200;
          assert.equal(response.status(), expected, `${url.href} answers ${expected}`);
          const type = response.headers()['content-type'] ?? '';
          if (!type.startsWith('text/html')) return;
          for (const href of await page.locator('a[href]').evaluateAll((links) => links.map((a) => a.href))) {
            const link = new URL(href);
            link.hash = '';
            if (followable(link, origin) && !visited.has(pageKind(link))) queue.push(link);
          }
          try {
            await assertAccessible(page, `a11y ${kind}`);
          } catch (error) {
            failures.push(kind);
            throw error;
          }
        });
      }
      assert.deepEqual(failures, [], `pages with violations: ${failures.join(', ')}`);
    });

    // Pages found beyond these (indicators, imports, ...) are checked too; these must be there.
    it('the crawl reached every page the demo must have', () => {
      const required = [
        '/',
        '/plans/1',
        '/plans/2',
        '/plans/1?flag',
        '/plans/1?rag',
        '/plans/1/changes',
        '/items/{id}',
        '/items/{id}?as_at',
        '/my-actions',
        '/people',
        '/plans/999999',
      ];
      const missing = required.filter((kind) => !visited.has(kind));
      assert.deepEqual(missing, [], `not reached: ${missing.join(', ')}; reached: ${[...visited.keys()].join(', ')}`);
      assert.equal(statuses.get('/plans/999999'), 404);
    });

    it('an address that matches no page shows the "Page not found" page', async (t) => {
      // Asked outside the page first: Chromium shows its own error page for an empty 404.
      const answer = await page.request.get('/no-such-page');
      assert.equal(answer.status(), 404);
      if ((await answer.text()).trim() === '') {
        // Known gap, reported: the router has no fallback, so axum answers with an empty body.
        t.todo('unknown addresses answer 404 with an empty body; they should render the "Page not found" error page');
        return;
      }
      const response = await page.goto('/no-such-page');
      assert.equal(response.status(), 404);
      assert.match(await page.title(), /Page not found/);
      await assertAccessible(page, 'a11y unknown address');
    });

    it('an item page showing errors in the update form', async () => {
      const itemPath = visited.get('/items/{id}');
      assert.ok(itemPath, 'an item page was found');
      await page.goto(itemPath);
      // An empty update is refused, so nothing is stored.
      await page.locator('#text').fill('');
      await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Add update' }).click()]);
      await page.locator('.govuk-error-summary').waitFor();
      await assertAccessible(page, 'a11y item update error');
    });
  });
});
