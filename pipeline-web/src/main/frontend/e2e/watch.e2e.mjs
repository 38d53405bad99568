// A run a commit started, as the pipelines page shows it, in Debian's Chromium (playwright-core):
//   node e2e/watch.e2e.mjs <page url, e.g. http://127.0.0.1:8080/> <token> <pipeline id> <commit sha> <output dir>
// Opens the pipelines page, opens the pipeline's runs and finds the run of the commit with its message; exits non-zero if not.
import { launch } from './browser.mjs';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const [page0, token, pipeline, sha, out] = process.argv.slice(2);
if (!page0 || !token || !pipeline || !sha || !out) {
  console.error('usage: node e2e/watch.e2e.mjs <page url> <token> <pipeline id> <commit sha> <output dir>');
  process.exit(2);
}
const base = page0.endsWith('/') ? page0 : page0 + '/';
mkdirSync(out, { recursive: true });
const context = await launch();
try {
  const page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(20_000);
  await page.goto(`${base}#/pipelines?token=${encodeURIComponent(token)}`);
  await page.locator(`tr[data-pipeline="${pipeline}"] button.pk-link`).click();
  const run = page.getByTestId('run-trigger').filter({ hasText: sha.slice(0, 12) });
  await run.first().waitFor();
  const text = await run.first().textContent();
  await page.screenshot({ path: join(out, 'watch-run.png') });
  console.log(`e2e: the pipelines page shows the run of ${sha.slice(0, 12)}: ${text}`);
} catch (e) {
  console.error(`e2e: ${e.message}`);
  process.exitCode = 1;
} finally {
  await context.close();
}
