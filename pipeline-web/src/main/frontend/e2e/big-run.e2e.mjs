// A 200-stage run is readable and usable within a second, in Debian's Chromium (playwright-core):
//   node e2e/big-run.e2e.mjs <page url, e.g. http://127.0.0.1:8080/ci/> <token> <output dir>
// The run page lists every stage beside the graph (virtualized: only rows in view are in the page), finds a stage by
// name, shows only the problems on request, and a click on a row opens its log and centres the graph on it at a
// readable size. Prints how long the page took to be usable (stage list shown) and to draw the graph.
import { apiClient, e2eArgs, fail, finished, launch, step } from './browser.mjs';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const { base, token, out } = e2eArgs('big-run.e2e.mjs');
const api = apiClient(base, token);
const context = await launch();
const page = context.pages()[0] ?? await context.newPage();
page.setDefaultTimeout(30_000);
try {
  const stages = [];
  for (let i = 0; i < 200; i++) {
    const layer = Math.floor(i / 20);
    const needs = layer === 0 ? [] : [`s${(layer - 1) * 20 + (i % 20)}`, `s${(layer - 1) * 20 + ((i + 3) % 20)}`];
    stages.push({ id: `s${i}`, needs, continueOnError: i === 157, steps: [{ run: i === 157 ? 'echo broken; exit 4' : 'true' }] });
  }
  await api('POST', 'pipelines', { pipelinekit: 1, id: 'big', name: 'Two hundred stages', stages });
  const run = await api('POST', 'pipelines/big/execute', {});
  await finished(api, run.id);
  await page.goto(`${base}#/pipelines?token=${encodeURIComponent(token)}`);
  await page.getByRole('heading', { name: 'Pipelines' }).waitFor();

  const timings = [];
  for (let i = 0; i < 3; i++) {
    await page.goto(`${base}#/pipelines`);
    await page.getByRole('heading', { name: 'Pipelines' }).waitFor();
    const started = Date.now();
    await page.goto(`${base}#/executions/${encodeURIComponent(run.id)}`);
    await page.locator('[data-stage-row="s0"]').waitFor();
    const usable = Date.now() - started;
    await page.locator('[data-testid="run-view"][data-ready]').waitFor();
    const drawn = Date.now() - started;
    timings.push({ usable, drawn });
  }
  const rows = await page.locator('[data-stage-row]').count();
  if (rows >= 200 || rows < 5) fail(`${rows} stage rows are in the page: the list is not virtualized`);
  const counts = await page.getByTestId('stage-counts').innerText();
  if (!counts.includes('199 succeeded') || !counts.includes('1 soft failed')) fail('the counts say ' + counts);
  const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  step(`the 200-stage run is usable in ${median(timings.map((t) => t.usable))} ms and drawn in ${median(timings.map((t) => t.drawn))} ms (median of 3: ${JSON.stringify(timings)})`);

  await page.getByLabel('only problems').check();
  await page.locator('[data-stage-row="s157"]').click();
  if (await page.locator('[data-stage-row]').count() !== 1) fail('only problems shows more than the soft-failed stage');
  await page.getByText('broken').first().waitFor().catch(() => fail('clicking the row did not open its log'));
  const node = page.locator('.react-flow__node[data-id="s157"]');
  await node.waitFor();
  const box = await node.boundingBox();
  const graph = await page.locator('.pk-execution-graph').boundingBox();
  if (!box || box.width < 150 || box.x < graph.x || box.x + box.width > graph.x + graph.width) fail(`the chosen stage is not shown readably in the graph: ${JSON.stringify(box)}`);
  step(`"only problems" lists s157; its row opens its log and centres it in the graph at ${Math.round(box.width)} px wide`);
  await page.getByLabel('only problems').uncheck();
  await page.getByLabel('Find a stage').fill('s19');
  const found = await page.locator('[data-stage-row]').evaluateAll((els) => els.map((e) => e.getAttribute('data-stage-row')));
  if (JSON.stringify(found) !== JSON.stringify(['s19', 's190', 's191', 's192', 's193', 's194', 's195', 's196', 's197', 's198', 's199'])) fail('finding s19 gives ' + found);
  step('finding "s19" lists s19 and s190–s199');
  await page.getByLabel('Find a stage').fill('');
  await page.screenshot({ path: join(out, 'run-200-stages.png') });
  writeFileSync(join(out, 'big-run.json'), JSON.stringify({ timings }, null, 2));
} catch (e) {
  console.error(`e2e: failed: ${e.message}`);
  process.exitCode = 1;
  await page.screenshot({ path: join(out, 'big-run-failure.png') }).catch(() => {});
} finally {
  await context.close();
}
