// Uploading a spreadsheet: the import page lists what Waymark found in the file, row by row,
// before anything is stored. The fixture has one row without a due date (row 3) and one whose RAG
// is "Purple" (row 4); row 1 is the header.

import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { ADMIN, checkPage, formatViolations, launchBrowser, newContext, signIn, squash, startWaymark } from './helpers.mjs';

const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'import-findings.csv');

describe('importing a spreadsheet', { timeout: 120_000 }, () => {
  let server;
  let browser;
  let context;
  let page;

  before(async () => {
    server = await startWaymark();
    browser = await launchBrowser();
    context = await newContext(browser, server);
    page = await context.newPage();
    await signIn(page, server, ADMIN);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('lists the findings of an uploaded CSV by row before storing anything', async (t) => {
    // Follow the link to the upload page where there is one; else try the usual address.
    const link = page.locator('a[href*="import" i]').first();
    const linked = (await link.count()) > 0 ? new URL(await link.getAttribute('href'), server.url).pathname : null;
    const response = await page.goto(linked ?? '/imports/new');
    if (!linked && response.status() === 404) {
      t.skip('there is no import upload page yet (no link to one from the home page and /imports/new answers 404)');
      return;
    }
    assert.equal(response.status(), 200, `${page.url()} answers 200`);
    const fileInput = page.locator('input[type=file]');
    assert.equal(await fileInput.count(), 1, 'the upload page has one file input');

    const plansBefore = await countPlans(page);
    await page.goto(linked ?? '/imports/new');
    const uploadViolations = await checkPage(page, 'import-01-upload');

    await fileInput.setInputFiles(FIXTURE);
    const form = page.locator('form', { has: fileInput });
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.request().isNavigationRequest()),
      form.locator('button[type=submit]').click(),
    ]);
    // The preview is shown once its findings are listed (wherever the form's answer redirects).
    try {
      await page.locator('main tr', { hasText: 'No due date' }).first().waitFor({ timeout: 15_000 });
    } catch {
      assert.fail(`no findings listed after the upload; the page at ${page.url()} reads:\n${squash(await page.locator('main').innerText())}`);
    }
    const main = squash(await page.locator('main').innerText());
    assert.match(main, /Nothing has been stored/i, 'the page says nothing is stored yet');

    const findingRow = async (pattern) => {
      const rows = page.locator('main tr').filter({ hasText: pattern });
      assert.equal(await rows.count(), 1, `one finding matches ${pattern}`);
      return (await rows.first().locator('td, th').allInnerTexts()).map(squash);
    };
    const noDue = await findingRow(/No due date/);
    assert.ok(noDue.includes('3'), `the missing due date is reported on row 3: ${JSON.stringify(noDue)}`);
    assert.ok(noDue.includes('Due Date'), `…in the "Due Date" column: ${JSON.stringify(noDue)}`);
    const purple = await findingRow(/"Purple" is not a RAG status/);
    assert.ok(purple.includes('4'), `the unknown RAG is reported on row 4: ${JSON.stringify(purple)}`);
    assert.ok(purple.includes('RAG'), `…in the "RAG" column: ${JSON.stringify(purple)}`);
    const previewViolations = await checkPage(page, 'import-02-preview');

    assert.equal(await countPlans(page), plansBefore, 'previewing the import stored no plan');

    const found = [
      ['import upload page', uploadViolations],
      ['import preview page', previewViolations],
    ].filter(([, list]) => list.length > 0);
    assert.equal(found.length, 0, found.map(([name, list]) => formatViolations(name, '', list)).join('\n'));
  });
});

/** How many plans the home page lists. */
async function countPlans(page) {
  await page.goto('/');
  return page.locator('section.wm-plan-card').count();
}
