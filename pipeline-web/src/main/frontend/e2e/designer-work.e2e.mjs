// Work in the designer is not lost, in Debian's Chromium (playwright-core):
//   node e2e/designer-work.e2e.mjs <page url, e.g. http://127.0.0.1:8080/ci/> <token> <output dir>
// A new canvas opens without a red error; going to another page with unsaved changes asks first (and staying keeps the
// work); after a new pipeline is saved, "Designer" opens a new, empty pipeline rather than the saved one.
import { launch } from './browser.mjs';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const [page0, token, out] = process.argv.slice(2);
if (!page0 || !token || !out) {
  console.error('usage: node e2e/designer-work.e2e.mjs <page url> <token> <output dir>');
  process.exit(2);
}
const base = page0.endsWith('/') ? page0 : page0 + '/';
mkdirSync(out, { recursive: true });
const step = (name) => console.log(`e2e: ${name}`);
const fail = (message) => { throw new Error(message); };
const context = await launch();
const page = context.pages()[0] ?? await context.newPage();
page.setDefaultTimeout(30_000);
const stageCount = () => page.locator('.react-flow__node').count();
const sections = {
  async freshCanvas() {
    const validated = page.waitForResponse((r) => r.url().includes('/pipelines/validate'));
    await page.goto(`${base}#/designer?token=${encodeURIComponent(token)}`);
    await page.getByTestId('canvas').waitFor();
    await validated;
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    if (await page.locator('.pk-pipeline-problems').count() !== 0) fail('a new, empty canvas shows problems: ' + await page.locator('.pk-pipeline-problems').textContent());
    if ((await page.locator('.pk-status').textContent()).includes('problem')) fail('a new, empty canvas says it has problems');
    step('a new canvas opens without a red error');
  },
  async leaveGuard() {
    await page.goto(`${base}#/designer`);
    await page.getByLabel('Pipeline id').fill('guarded');
    await page.locator('.pk-library-item[data-stage-type="shell"]').dblclick();
    await page.locator('.react-flow__node').first().waitFor();
    let asked = null;
    page.once('dialog', (d) => { asked = d.message(); void d.dismiss(); });
    await page.getByRole('link', { name: 'Pipelines' }).click();
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    if (!asked || !asked.includes('unsaved changes')) fail('leaving with unsaved changes did not ask');
    if (!page.url().includes('#/designer')) fail('staying after the question left the designer: ' + page.url());
    if (await stageCount() !== 1) fail('staying lost the stage');
    page.once('dialog', (d) => void d.accept()); // leave for real (the next section starts afresh)
    await page.getByRole('link', { name: 'Pipelines' }).click();
    await page.getByRole('heading', { name: 'Pipelines' }).waitFor();
    step('leaving with unsaved changes asks; staying keeps the stage');
  },
  async newAfterSave() {
    await page.goto(`${base}#/designer`);
    await page.getByLabel('Pipeline id').fill('saved-first');
    await page.locator('.pk-library-item[data-stage-type="shell"]').dblclick();
    await page.locator('.react-flow__node').first().waitFor();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved revision 1').waitFor();
    if (!page.url().includes('#/designer/saved-first')) fail('the saved pipeline\'s address is not its own: ' + page.url());
    await page.getByRole('link', { name: 'Designer' }).click();
    await page.evaluate(() => new Promise((r) => setTimeout(r, 0)));
    await page.waitForFunction(() => document.querySelector('[aria-label="Pipeline id"]')?.value === '', null, { timeout: 5000 })
      .catch(() => fail('"Designer" after saving opened the saved pipeline, not a new one'));
    if (await stageCount() !== 0) fail('"Designer" after saving kept the saved pipeline\'s stages');
    step('after saving a new pipeline, Designer opens a new one');
    await page.screenshot({ path: join(out, 'designer-new.png') });
  },
};
for (const [name, section] of Object.entries(sections)) {
  try {
    await section();
  } catch (e) {
    console.error(`e2e: ${name} failed: ${e.message}`);
    process.exitCode = 1;
    await page.screenshot({ path: join(out, `designer-work-${name}-failure.png`) }).catch(() => {});
  }
}
try {
  // each section above said what it saw
} finally {
  await context.close();
}
