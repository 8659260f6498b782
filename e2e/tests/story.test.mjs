// The action owner's story, step by step in one browser session: sign in with the demo's own
// button for the account (no instructions needed), follow the improvement
// plan's overdue count to the overdue action, add an update that changes its RAG status, see the
// change in the item's history and on the home page, find the update by searching, see the action
// first in "My actions", and sign out.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  checkPage,
  formatViolations,
  launchBrowser,
  newContext,
  screenshot,
  signOut,
  squash,
  startWaymark,
} from './helpers.mjs';

const ACTION = 'Offer a call-back at peak times instead of queueing non-emergency callers';
// "marigold" appears nowhere in the demo data, so a search for it finds only this update.
const SEARCH_WORD = 'marigold';
const UPDATE_TEXT =
  `The supplier delivered the fix to the queue position announcement and it passed testing. ` +
  `The call-back pilot restarts next month on the ${SEARCH_WORD} shift pattern.`;
const RAG_BEFORE = 'Red';
const RAG_AFTER = 'Amber';

/** "23 November 2026", as the pages write dates. */
const todayLong = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric' }).format(new Date());

/** The home page's card for the improvement plan. */
function improvementCard(page) {
  return page.locator('section.wm-plan-card').filter({ hasText: /improvement plan/i }).first();
}

/** The card's RAG legend ({ Red: 1, Amber: 4, ... }) and counts ({ Overdue: 2, ... }). */
async function readCard(page) {
  const card = improvementCard(page);
  await card.waitFor();
  const legend = {};
  for (const text of await card.locator('ul.wm-rag-legend:not(.wm-chart-key) li').allInnerTexts()) {
    const match = squash(text).match(/^(.*\S)\s+(\d+)$/);
    assert.ok(match, `a RAG legend entry reads "word count", not ${JSON.stringify(text)}`);
    legend[match[1]] = Number(match[2]);
  }
  const counts = {};
  for (const row of await card.locator('dl.wm-counts > div').all()) {
    counts[squash(await row.locator('dt').innerText())] = Number(squash(await row.locator('dd').innerText()));
  }
  return { legend, counts };
}

/** The action rows (not the parent rows that give them context) of the plan table. */
function actionRows(page) {
  return page.locator('table.wm-items tbody tr:not(.wm-parent-row)');
}

describe('an action owner updates an overdue action', { timeout: 180_000 }, () => {
  let server;
  let browser;
  let context;
  let page;
  let failed = false;
  const state = {};
  const violations = [];

  before(async () => {
    server = await startWaymark();
    browser = await launchBrowser();
    context = await newContext(browser, server);
    page = await context.newPage();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** A step of the story; once one fails, the later ones are skipped rather than failing too. */
  function step(name, fn) {
    it(name, async (t) => {
      if (failed) {
        t.skip('an earlier step of the story failed');
        return;
      }
      try {
        await fn(t);
      } catch (error) {
        failed = true;
        await screenshot(page, `story-failed-${name}`).catch(() => {});
        throw error;
      }
    });
  }

  step('signs in as the action owner with the demo sign-in page\'s own button', async () => {
    // Someone trying the demo with no instructions: the sign-in page lists its accounts.
    await page.goto('/sign-in');
    await screenshot(page, 'story-00-sign-in-demo');
    await Promise.all([
      page.waitForURL((url) => url.pathname !== '/sign-in'),
      page.getByRole('button', { name: 'Sign in as Sam Okafor', exact: true }).click(),
    ]);
    assert.equal(new URL(page.url()).pathname, '/');
    assert.match(squash(await page.locator('.wm-header__user').innerText()), /^Sam Okafor, Northshire Police$/);
    await screenshot(page, 'story-01-home-before');
  });

  step('reads the improvement plan on the home page', async () => {
    state.before = await readCard(page);
    assert.ok(state.before.legend[RAG_BEFORE] >= 1, `the legend counts at least one ${RAG_BEFORE} action: ${JSON.stringify(state.before.legend)}`);
    assert.ok(state.before.counts.Overdue >= 1, `the plan has overdue actions: ${JSON.stringify(state.before.counts)}`);
  });

  step('follows the "Overdue" count to the filtered list and finds the overdue action', async () => {
    const overdue = improvementCard(page).locator('dl.wm-counts > div').filter({ has: page.locator('dt', { hasText: /^Overdue$/ }) });
    await Promise.all([
      page.waitForURL((url) => url.searchParams.get('flag') === 'overdue'),
      overdue.getByRole('link').click(),
    ]);
    assert.match(new URL(page.url()).pathname, /^\/plans\/\d+$/);
    state.planPath = new URL(page.url()).pathname;
    const rows = actionRows(page);
    assert.equal(await rows.count(), state.before.counts.Overdue, 'the list shows as many actions as the home page counted');
    for (const row of await rows.all()) {
      assert.ok((await row.locator('.wm-flag').allInnerTexts()).includes('Overdue'), `every listed action is flagged Overdue: ${squash(await row.innerText())}`);
    }
    const row = rows.filter({ has: page.getByRole('link', { name: ACTION, exact: true }) });
    assert.equal(await row.count(), 1, `"${ACTION}" is listed as overdue`);
    assert.equal(squash(await row.locator('td.wm-col-rag').innerText()), RAG_BEFORE);
    await screenshot(page, 'story-02-overdue-list');
  });

  step('opens the action', async () => {
    await Promise.all([
      page.waitForURL(/\/items\/\d+$/),
      page.getByRole('link', { name: ACTION, exact: true }).click(),
    ]);
    state.itemPath = new URL(page.url()).pathname;
    assert.equal(squash(await page.locator('h1').innerText()), ACTION);
    assert.equal(await ragInSummary(page), RAG_BEFORE);
    const warnings = await page.locator('.govuk-warning-text__text').allInnerTexts();
    assert.ok(warnings.some((w) => /overdue/.test(w)), `the action warns that it is overdue: ${JSON.stringify(warnings)}`);
    state.wasStale = warnings.some((w) => /longer ago than the plan's update cycle/.test(w));
    state.updatesBefore = await page.locator('ol.wm-updates > li').count();
    await screenshot(page, 'story-03-item-before');
  });

  step(`adds an update that changes the RAG status from ${RAG_BEFORE} to ${RAG_AFTER}`, async () => {
    await page.locator('#text').fill(UPDATE_TEXT);
    await page.locator('fieldset').filter({ hasText: 'RAG status' }).locator('label', { hasText: new RegExp(`^${RAG_AFTER}$`) }).click();
    assert.ok(await page.locator(`#rag-${RAG_AFTER}`).isChecked(), `${RAG_AFTER} is chosen`);
    await Promise.all([
      page.waitForURL((url) => url.searchParams.get('added') === '1'),
      page.getByRole('button', { name: 'Add update' }).click(),
    ]);
    assert.equal(new URL(page.url()).pathname, state.itemPath);

    const banner = page.locator('.govuk-notification-banner--success');
    assert.match(squash(await banner.innerText()), /Success Your update has been added\./);

    const updates = page.locator('ol.wm-updates > li');
    assert.equal(await updates.count(), state.updatesBefore + 1, 'one more update in the history');
    const newest = updates.first();
    assert.equal(squash(await newest.locator('.wm-prewrap').innerText()), UPDATE_TEXT, 'the new update is at the top');
    const meta = squash(await newest.locator('.wm-update__meta').innerText());
    assert.match(meta, new RegExp(`^${todayLong}, Sam Okafor ${RAG_AFTER}$`), `the update is dated today, by Sam, ${RAG_AFTER}`);

    assert.equal(await ragInSummary(page), RAG_AFTER, 'the summary shows the new RAG status');

    const history = page.locator('table.govuk-table').filter({ has: page.locator('th', { hasText: /^Change$/ }) });
    const firstChange = history.locator('tbody tr').first();
    const cells = (await firstChange.locator('td').allInnerTexts()).map(squash);
    assert.equal(cells[0], todayLong, 'the RAG history starts with today');
    assert.equal(cells[1], `${RAG_BEFORE} to ${RAG_AFTER}`, 'the RAG history records the change');
    assert.equal(cells[2], 'Sam Okafor');

    const warnings = await page.locator('.govuk-warning-text__text').allInnerTexts();
    assert.ok(!warnings.some((w) => /longer ago than the plan's update cycle/.test(w)), 'the action is no longer flagged as lacking a recent update');
    violations.push(['item page after an update', page.url(), await checkPage(page, 'story-04-item-after-update')]);
  });

  step('sees the change counted on the home page', async () => {
    await Promise.all([page.waitForURL((url) => url.pathname === '/'), page.getByRole('link', { name: 'Plans', exact: true }).first().click()]);
    const now = await readCard(page);
    const { legend, counts } = state.before;
    assert.equal(now.legend[RAG_BEFORE] ?? 0, legend[RAG_BEFORE] - 1, `one fewer ${RAG_BEFORE} action: ${JSON.stringify(now.legend)}`);
    assert.equal(now.legend[RAG_AFTER] ?? 0, (legend[RAG_AFTER] ?? 0) + 1, `one more ${RAG_AFTER} action: ${JSON.stringify(now.legend)}`);
    for (const word of Object.keys({ ...legend, ...now.legend })) {
      if (word !== RAG_BEFORE && word !== RAG_AFTER) assert.equal(now.legend[word], legend[word], `${word} unchanged`);
    }
    assert.equal(now.counts.Overdue, counts.Overdue, 'the action is still overdue: an update does not move its due date');
    assert.equal(now.counts['No recent update'], counts['No recent update'] - (state.wasStale ? 1 : 0), 'the action has a recent update now');
    const bar = await improvementCard(page).locator('svg.wm-rag-bar').getAttribute('aria-label');
    assert.match(bar, new RegExp(`\\b${(legend[RAG_AFTER] ?? 0) + 1} ${RAG_AFTER}\\b`), `the RAG bar's label counts the change: ${bar}`);
    await screenshot(page, 'story-05-home-after');
  });

  step(`finds the update by searching the plan for "${SEARCH_WORD}"`, async () => {
    await Promise.all([
      page.waitForURL((url) => url.pathname === state.planPath),
      improvementCard(page).locator('h2').getByRole('link').click(),
    ]);
    const search = page.locator('form[role=search]');
    await search.locator('#q').fill(SEARCH_WORD);
    await Promise.all([
      page.waitForURL((url) => url.searchParams.get('q') === SEARCH_WORD),
      search.getByRole('button', { name: 'Apply' }).click(),
    ]);
    const rows = actionRows(page);
    assert.equal(await rows.count(), 1, `only one action mentions "${SEARCH_WORD}"`);
    assert.equal(squash(await rows.first().getByRole('link').first().innerText()), ACTION);
    assert.match(squash(await rows.first().locator('.wm-update-text').innerText()), new RegExp(SEARCH_WORD));
    assert.equal(squash(await rows.first().locator('td.wm-col-rag').innerText()), RAG_AFTER);
    violations.push(['plan search results', page.url(), await checkPage(page, 'story-06-search-results')]);
  });

  step('sees the overdue action first in "My actions"', async () => {
    await Promise.all([
      page.waitForURL((url) => url.pathname === '/my-actions'),
      page.locator('nav').getByRole('link', { name: 'My actions', exact: true }).click(),
    ]);
    const intro = squash(await page.locator('main p').first().innerText());
    assert.match(intro, /Actions owned by Head of Contact Management\. 1 is overdue\./);
    const first = page.locator('table.wm-items tbody tr').first();
    const cells = first.locator('td');
    assert.equal(squash(await cells.nth(0).getByRole('link').innerText()), ACTION, 'the overdue action is listed first');
    assert.ok((await cells.nth(0).locator('.wm-flag').allInnerTexts()).includes('Overdue'));
    assert.equal(squash(await cells.nth(3).innerText()), RAG_AFTER);
    assert.match(squash(await cells.nth(4).innerText()), new RegExp(`^${todayLong}: The supplier delivered the fix`));
    await screenshot(page, 'story-07-my-actions');
  });

  step('signs out', async () => {
    await signOut(page);
    assert.equal(squash(await page.locator('h1').innerText()), 'Sign in to Waymark');
    await page.goto('/my-actions');
    assert.equal(new URL(page.url()).pathname, '/sign-in', 'signed-out visitors are sent to sign in');
    await screenshot(page, 'story-08-signed-out');
  });

  step('pages seen only in the story have no accessibility violations', async () => {
    const found = violations.filter(([, , list]) => list.length > 0);
    assert.equal(found.length, 0, found.map(([name, url, list]) => formatViolations(name, url, list)).join('\n'));
  });
});

/** The RAG status in the item's summary list. */
async function ragInSummary(page) {
  const row = page.locator('.govuk-summary-list__row').filter({ has: page.locator('dt', { hasText: 'RAG status' }) });
  return squash(await row.locator('dd').innerText());
}
