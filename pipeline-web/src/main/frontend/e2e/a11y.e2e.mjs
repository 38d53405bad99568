// An automated accessibility scan (axe-core) of every page, in Debian's Chromium (playwright-core):
//   node e2e/a11y.e2e.mjs <page url> <token> <output dir>
// Sign-in, pipelines, runs, templates, a new and a saved pipeline in the designer (stage selected, code view), a run
// waiting for approval and a failed run with its log, analytics. Fails on any serious or critical violation, naming it.
import { apiClient, e2eArgs, finished, launch } from './browser.mjs';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const { base, token, out } = e2eArgs('a11y.e2e.mjs');
// evaluated in the page rather than added as a script tag: the app's Content-Security-Policy refuses inline scripts
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const api = apiClient(base, token);
const context = await launch();
const page = context.pages()[0] ?? await context.newPage();
page.setDefaultTimeout(30_000);
const report = [];
let serious = 0;

async function scan(name, ready) {
  await ready();
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  serious += bad.length;
  report.push({ page: name, violations: result });
  console.log(`e2e: ${name}: ${bad.length} serious, ${result.length - bad.length} minor${bad.length ? ' — ' + bad.map((v) => `${v.id} (${v.help}) at ${v.nodes.join(', ')}`).join('; ') : ''}`);
}

try {
  await api('POST', 'pipelines', {
    pipelinekit: 1, id: 'a11y', name: 'Accessible',
    stages: [
      { id: 'build', steps: [{ run: 'echo built' }] },
      { id: 'test', needs: ['build'], matrix: { axes: { os: ['linux', 'mac'] } }, steps: [{ run: 'echo "testing ${{ matrix.os }}"; exit 1' }] },
    ],
  });
  await api('POST', 'pipelines', {
    pipelinekit: 1, id: 'a11y-gate', stages: [{ id: 'ship', approval: { approvers: ['admins'] }, steps: [{ run: 'echo shipped' }] }],
  });
  const failed = await api('POST', 'pipelines/a11y/execute', {});
  const waiting = await api('POST', 'pipelines/a11y-gate/execute', {});
  await finished(api, failed.id);

  await scan('sign-in', async () => { await page.goto(`${base}#/pipelines`); await page.getByLabel('API token').waitFor(); });
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await scan('pipelines', async () => { await page.locator('tr[data-pipeline="a11y"]').waitFor(); });
  await scan('runs', async () => { await page.goto(`${base}#/runs`); await page.locator('[data-testid="runs"] tbody tr').first().waitFor(); });
  await scan('templates', async () => { await page.goto(`${base}#/templates`); await page.getByRole('heading').first().waitFor(); });
  await scan('designer (new)', async () => { await page.goto(`${base}#/designer`); await page.getByTestId('canvas').waitFor(); });
  await scan('designer (a stage selected)', async () => {
    await page.goto(`${base}#/designer/a11y`);
    await page.locator('.react-flow__node[data-id="test"]').click();
    await page.getByRole('tab', { name: 'Stage' }).waitFor();
  });
  await scan('designer (code)', async () => {
    await page.getByRole('tab', { name: 'Code' }).click();
    await page.waitForFunction(() => document.querySelector('[aria-label="YAML code"]')?.value.includes('a11y'));
  });
  page.once('dialog', (d) => void d.accept());
  await scan('run waiting for approval', async () => {
    await page.goto(`${base}#/executions/${encodeURIComponent(waiting.id)}`);
    await page.getByTestId('approval-banner').waitFor();
  });
  await scan('failed run with its log', async () => {
    await page.goto(`${base}#/executions/${encodeURIComponent(failed.id)}`);
    await page.locator('.pk-log-line').first().waitFor();
  });
  await scan('analytics', async () => {
    await page.goto(`${base}#/analytics/a11y`);
    await page.locator('.pk-trend-chart').first().waitFor();
  });
  await scan('environments', async () => {
    await page.goto(`${base}#/environments`);
    await page.getByRole('button', { name: 'Save environment' }).waitFor();
  });
  await scan('audit log', async () => {
    await page.goto(`${base}#/audit`);
    await page.getByTestId('audit').waitFor();
  });
  writeFileSync(join(out, 'a11y.json'), JSON.stringify(report, null, 2));
  console.log(`e2e: accessibility scan of ${report.length} pages: ${serious} serious or critical violations`);
  if (serious > 0) process.exitCode = 1;
} catch (e) {
  console.error(`e2e: failed: ${e.message}`);
  process.exitCode = 1;
  await page.screenshot({ path: join(out, 'a11y-failure.png') }).catch(() => {});
} finally {
  await context.close();
}
