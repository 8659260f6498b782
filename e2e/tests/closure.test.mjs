// Evidence and closure (issue #21): a plan manager adds a file as evidence to a recommendation of
// the demo's inspection improvement plan (whose recommendations need evidence and the Force
// Improvement Board's sign-off to close) and proposes closure; the recommendation shows
// "Closure proposed, awaiting sign-off" and stays open; a board member signs it off; the tracker
// report lists the evidence and the sign-off.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ADMIN,
  axeViolations,
  formatViolations,
  launchBrowser,
  newContext,
  screenshot,
  signIn,
  signOut,
  startWaymark,
} from './helpers.mjs';

const MANAGER = 'dev.patel@northshire.example';
const EVIDENCE_TITLE = 'Revisit letter from the inspectorate <confirmed>';

describe('closing a recommendation with evidence and sign-off', { timeout: 300_000 }, () => {
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

  it('is proposed with evidence, signed off by the board, and shown in the tracker report', async () => {
    const context = await newContext(browser, server);
    const page = await context.newPage();
    await signIn(page, server, MANAGER);

    // The third recommendation: open, with no evidence yet.
    const listed = await page.request.get('/api/plans/1/items');
    assert.equal(listed.status(), 200);
    const body = await listed.json();
    const items = Array.isArray(body) ? body : body.items;
    const recommendation = items.find((item) => item.reference === 'AFI 3');
    assert.ok(recommendation, 'AFI 3 is in the plan');
    const evidencePage = `/items/${recommendation.id}/evidence`;

    await page.goto(evidencePage);
    assert.match(await page.locator('#closure-status').innerText(), /^Open/);
    await page.getByLabel('Title').fill(EVIDENCE_TITLE);
    await page.locator('#file').setInputFiles({
      name: 'revisit-letter.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n% a revisit letter\n'),
    });
    await page.getByRole('button', { name: 'Add evidence' }).click();
    await page.getByText('The evidence has been added.').waitFor();
    // Escaped, never markup.
    await page.getByRole('link', { name: EVIDENCE_TITLE }).waitFor();

    // The download is an attachment of the right type, never sniffed.
    const href = await page.getByRole('link', { name: EVIDENCE_TITLE }).getAttribute('href');
    const file = await page.request.get(href);
    assert.equal(file.status(), 200);
    assert.equal(file.headers()['content-type'], 'application/pdf');
    assert.equal(file.headers()['x-content-type-options'], 'nosniff');
    assert.match(file.headers()['content-disposition'], /^attachment; filename="revisit-letter.pdf"/);

    await page.getByLabel('Note for whoever signs it off (optional)').fill('All four actions are complete.');
    await page.getByRole('button', { name: 'Propose closure' }).click();
    await page.getByText('Closure proposed, awaiting sign-off.').waitFor();
    assert.equal(await page.locator('#closure-status').innerText(), 'Closure proposed, awaiting sign-off');
    await screenshot(page, 'closure proposed');
    const violations = await axeViolations(page);
    assert.equal(violations.length, 0, formatViolations('evidence and closure', evidencePage, violations));
    await page.goto('/plans/1/closure-rules');
    const ruleViolations = await axeViolations(page);
    assert.equal(ruleViolations.length, 0, formatViolations('closure rules', '/plans/1/closure-rules', ruleViolations));
    await screenshot(page, 'closure rules');
    await signOut(page);

    // A member of the Force Improvement Board signs it off.
    await signIn(page, server, ADMIN);
    await page.goto(evidencePage);
    await page.getByRole('button', { name: 'Sign off closure' }).click();
    await page.getByText('Closure signed off: the item is closed.').waitFor();
    assert.equal(await page.locator('#closure-status').innerText(), 'Closed');
    await screenshot(page, 'closure signed off');

    const report = await page.request.get('/plans/1/reports/download?layout=tracker&format=html');
    assert.equal(report.status(), 200);
    const html = await report.text();
    if (process.env.WAYMARK_DUMP) await (await import('node:fs/promises')).writeFile(process.env.WAYMARK_DUMP, html);
    assert.ok(html.includes('Revisit letter from the inspectorate &#60;confirmed&#62; <span class="wm-muted">(File,'), 'the tracker lists the evidence, escaped');
    assert.ok(
      html.includes('Signed off by Priya Shah (Force Improvement Board, Head of Performance and Planning) on'),
      'the tracker shows the sign-off',
    );
    // The demo's AFI 2 awaits sign-off.
    assert.ok(html.includes('Closure proposed, awaiting sign-off'));
    await page.goto('/plans/1/reports/download?layout=tracker&format=html');
    await screenshot(page, 'tracker with evidence and sign-off');
    await context.close();
  });
});
