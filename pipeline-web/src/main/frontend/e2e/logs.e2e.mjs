// Logs of a matrix stage, in Debian's Chromium (playwright-core) with the browser in Asia/Tokyo:
//   node e2e/logs.e2e.mjs <page url> <token> <output dir>
// Each line of a matrix stage says which job wrote it and a job filter narrows the log to one; a step's lines fold
// under its "▶" line; timestamps show in the viewer's zone (named) or in UTC.
import { apiClient, e2eArgs, fail, finished, launch, step } from './browser.mjs';
import { join } from 'node:path';

const { base, token, out } = e2eArgs('logs.e2e.mjs');
const api = apiClient(base, token);
const context = await launch({ timezoneId: 'Asia/Tokyo' });
const page = context.pages()[0] ?? await context.newPage();
page.setDefaultTimeout(30_000);
const texts = () => page.locator('.pk-log-line').evaluateAll((els) => els.map((e) => ({ job: e.getAttribute('data-job'), text: e.querySelector('.pk-log-text')?.textContent ?? '' })));
try {
  await api('POST', 'pipelines', {
    pipelinekit: 1, id: 'matrix-logs',
    stages: [{ id: 'test', matrix: { axes: { os: ['linux', 'mac'] } },
      steps: [{ run: 'echo "compiling on ${{ matrix.os }}"; echo "compiled ${{ matrix.os }}"' }, { run: 'echo "testing on ${{ matrix.os }}"' }] }],
  });
  const run = await api('POST', 'pipelines/matrix-logs/execute', {});
  await finished(api, run.id);
  await page.goto(`${base}#/executions/${encodeURIComponent(run.id)}/test?token=${encodeURIComponent(token)}`);
  await page.locator('.pk-node[data-stage="test"]').click();
  await page.locator('.pk-log-line').filter({ hasText: 'testing on mac' }).waitFor();
  const labels = await page.locator('.pk-log-job').allTextContents();
  if (!labels.includes('os=linux') || !labels.includes('os=mac')) fail('the lines carry no job labels: ' + labels);
  await page.getByLabel('Job', { exact: true }).selectOption({ label: 'os=mac' });
  const mac = await texts();
  if (mac.length === 0 || mac.some((l) => l.job !== 'test[os=mac]')) fail('the job filter shows other jobs: ' + JSON.stringify(mac));
  step(`matrix lines are labelled by job (${[...new Set(labels)].sort().join(', ')}) and the job filter shows only os=mac`);

  const before = (await texts()).length;
  await page.getByRole('button', { name: /Collapse step echo "compiling on/ }).click();
  const after = await texts();
  if (after.length !== before - 2 || after.some((l) => l.text.includes('compiled mac'))) fail(`collapsing the first step left ${after.length} of ${before} lines`);
  if (!(await page.locator('.pk-log-hidden').first().textContent()).includes('2 lines hidden')) fail('the folded step does not say what it hides');
  await page.getByRole('button', { name: /Expand step echo "compiling on/ }).click();
  if ((await texts()).length !== before) fail('expanding the step did not bring its lines back');
  step('a step folds under its ▶ line ("2 lines hidden") and unfolds');

  await page.getByLabel('timestamps').check();
  const zone = page.getByLabel('Time zone');
  if ((await zone.locator('option').first().textContent()) !== 'Asia/Tokyo') fail('the zone is not named: ' + await zone.locator('option').first().textContent());
  const local = await page.locator('.pk-log-time').first().textContent();
  await zone.selectOption('utc');
  const utc = await page.locator('.pk-log-time').first().textContent();
  const hours = (t) => Number(t.slice(0, 2));
  if ((hours(utc) + 9) % 24 !== hours(local)) fail(`local ${local} is not UTC ${utc} + 9 h`);
  step(`timestamps in the viewer's zone (Asia/Tokyo ${local}) or in UTC (${utc})`);
  await page.screenshot({ path: join(out, 'logs-matrix.png') });
} catch (e) {
  console.error(`e2e: failed: ${e.message}`);
  process.exitCode = 1;
  await page.screenshot({ path: join(out, 'logs-failure.png') }).catch(() => {});
} finally {
  await context.close();
}
