// Phones and narrow screens: at 390 px wide the pages people use most never scroll sideways
// (wide tables scroll inside their own box or stack), and axe-core finds nothing; at 1280 px no
// button's words wrap letter by letter. Each page is saved as a screenshot at both widths.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ADMIN,
  checkPage,
  formatViolations,
  launchBrowser,
  signIn,
  startWaymark,
} from './helpers.mjs';

const PAGES = [
  '/',
  '/attention',
  '/my-actions',
  '/plans/1',
  '/plans/2',
  '/plans/2/indicators',
  '/plans/2/reports',
  '/plans/2/narrative',
  '/plans/1/changes',
];

const WIDTHS = [390, 1280];

describe('narrow and wide screens', { timeout: 600_000 }, () => {
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

  for (const width of WIDTHS) {
    it(`every page at ${width} px`, async () => {
      const context = await browser.newContext({
        baseURL: server.url,
        bypassCSP: true,
        viewport: { width, height: 844 },
        locale: 'en-GB',
      });
      const page = await context.newPage();
      const problems = [];
      try {
        await signIn(page, server, ADMIN);
        for (const path of PAGES) {
          const response = await page.goto(path);
          assert.equal(response.status(), 200, `${path} answers 200`);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          if (overflow > 1) problems.push(`${path} at ${width} px scrolls sideways by ${overflow} px`);
          if (width >= 1280) {
            // A button whose words wrap letter by letter is far taller than two lines.
            const squeezed = await page.locator('.govuk-button:visible').evaluateAll((buttons) =>
              buttons.filter((b) => b.getBoundingClientRect().height > 90).map((b) => b.innerText.trim()));
            for (const text of squeezed) problems.push(`${path}: the button "${text}" wraps at ${width} px`);
          }
          const violations = await checkPage(page, `narrow ${width} ${path}`);
          if (violations.length > 0) problems.push(formatViolations(`${width} ${path}`, page.url(), violations));
        }
      } finally {
        await context.close();
      }
      assert.deepEqual(problems, [], problems.join('\n'));
    });
  }
});
