// The designer end to end in Debian's Chromium (playwright-core, never a downloaded browser), against a running server:
//   node e2e/designer.e2e.mjs <page url, e.g. http://127.0.0.1:8080/ci/> <token> <output dir>
// Builds a pipeline by dragging three stages, connects them, sees a cycle refused, fills a required input, saves, runs,
// watches the stages turn green, searches and downloads a stage's log, sees a dry run drawn on the canvas, sees the run
// in analytics, edits the YAML, and times opening a 500-stage pipeline. Screenshots and result.json go to the output dir; exits non-zero on any failure.
import { chromium } from 'playwright-core';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [page0, token, out] = process.argv.slice(2);
if (!page0 || !token || !out) {
  console.error('usage: node e2e/designer.e2e.mjs <page url> <token> <output dir>');
  process.exit(2);
}
const base = page0.endsWith('/') ? page0 : page0 + '/';
mkdirSync(out, { recursive: true });
const result = { steps: [] };
const step = (name, extra = {}) => {
  result.steps.push({ name, ...extra });
  console.log(`e2e: ${name}${Object.keys(extra).length ? ' ' + JSON.stringify(extra) : ''}`);
};
const api = async (method, path, body) => {
  const r = await fetch(new URL('api/v1/' + path, base), {
    method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
  return r.status === 204 ? null : r.json();
};
const fail = (message) => { throw new Error(message); };

const profile = mkdtempSync(join(tmpdir(), 'pk-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.PIPELINEKIT_CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  viewport: { width: 1600, height: 1000 },
  acceptDownloads: true,
});
const page = context.pages()[0] ?? await context.newPage();
const consoleErrors = [];
page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
page.on('pageerror', (e) => consoleErrors.push(String(e)));
page.on('response', (r) => { if (r.status() >= 400) consoleErrors.push(`${r.status()} ${r.request().method()} ${r.url()}`); });
page.setDefaultTimeout(20_000);

const center = async (locator) => {
  const b = await locator.boundingBox();
  if (!b) fail('not on screen: ' + locator);
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
};
/** Each stage's place on the canvas, in flow coordinates (React Flow's transform), not the screen's. */
const places = () => page.locator('.react-flow__node').evaluateAll((ns) => Object.fromEntries(ns.map((n) => {
  const m = /translate\(([-\d.]+)px, ?([-\d.]+)px\)/.exec(n.style.transform);
  return [n.getAttribute('data-id'), m ? [Math.round(Number(m[1])), Math.round(Number(m[2]))] : null];
}).sort()));
/** Draws a connection from one stage's output handle to another's input handle; stops before letting go when asked. */
const connect = async (from, to, { release = true } = {}) => {
  const a = await center(page.locator(`.react-flow__node[data-id="${from}"] .react-flow__handle.source`));
  const b = await center(page.locator(`.react-flow__node[data-id="${to}"] .react-flow__handle.target`));
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++) await page.mouse.move(a.x + ((b.x - a.x) * i) / 10, a.y + ((b.y - a.y) * i) / 10);
  if (release) await page.mouse.up();
};

try {
  // ---- designer: three stages from the library ----
  await page.goto(`${base}#/designer?token=${encodeURIComponent(token)}`);
  await page.getByLabel('Stage library').waitFor();
  await page.locator('[data-stage-type="shell"]').waitFor();
  await page.getByLabel('Pipeline id').fill('e2e-demo');
  await page.getByLabel('Pipeline name').fill('End-to-end demo');
  const pane = page.locator('.react-flow__pane');
  const box = await pane.boundingBox();
  await page.getByLabel('Search stages').fill('integration');
  await page.locator('[data-stage-type="integration-tests"]').waitFor();
  await page.locator('[data-stage-type="shell"]').waitFor({ state: 'detached', timeout: 5_000 }).catch(() => fail('the library search did not filter'));
  await page.getByLabel('Search stages').fill('');
  const drops = [['shell', 120, 200], ['shell', 420, 120], ['integration-tests', 720, 200]];
  for (const [type, x, y] of drops) {
    await page.locator(`[data-stage-type="${type}"]`).dragTo(pane, { targetPosition: { x, y } });
  }
  await page.locator('.react-flow__node').nth(2).waitFor();
  const ids = await page.locator('.react-flow__node').evaluateAll((ns) => ns.map((n) => n.getAttribute('data-id')));
  if (ids.join(',') !== 'shell,shell-2,integration-tests') fail('dropped stages: ' + ids);
  step('dragged three stages onto the canvas', { ids });

  // the integration-tests stage needs test_command: the server's validator marks it until it is filled
  const marker = page.locator('.react-flow__node[data-id="integration-tests"] .pk-node-problem');
  await marker.waitFor();
  const markerTitle = await marker.getAttribute('title');
  if (!markerTitle.includes('test_command')) fail('marker says: ' + markerTitle);
  await page.locator('.react-flow__node[data-id="integration-tests"]').click();
  await page.getByLabel('test_command', { exact: true }).fill('echo "integration suite: 3 passed"');
  await marker.waitFor({ state: 'detached' });
  step('filled the required input; the validation marker went away', { marker: markerTitle });

  // commands: a long log with a line to find and a red error line; a second stage that takes a moment
  await page.locator('.react-flow__node[data-id="shell"]').click();
  await page.getByLabel('Step 1 command').fill('for i in $(seq 1 300); do echo "compiling unit $i"; done\n'
    + 'echo "needle-7f3 artifact ready"\nprintf "\\033[31merror: a red line that is only a test\\033[0m\\n"');
  await page.locator('.react-flow__node[data-id="shell-2"]').click();
  await page.getByLabel('Step 1 command').fill('sleep 2; echo "second stage done"');

  // ---- connections: shell → shell-2 → integration-tests, then a cycle that is refused while dragging ----
  await connect('shell', 'shell-2');
  await connect('shell-2', 'integration-tests');
  await page.waitForFunction(() => document.querySelectorAll('.react-flow__edge').length === 2);
  await connect('integration-tests', 'shell', { release: false });
  await page.locator('.pk-connection-refused').waitFor();
  const cycleLabel = await page.getByTestId('refusal-label').textContent();
  if (cycleLabel !== 'would make a cycle — not allowed') fail('the refused line is labelled ' + cycleLabel);
  await page.screenshot({ path: join(out, 'designer-cycle-refused.png') });
  await page.mouse.up();
  await page.getByRole('alert').filter({ hasText: 'integration-tests → shell would make a cycle' }).waitFor();
  // a line to the same stage, and a second line between two stages, are refused with their own words
  for (const [from, to, words] of [['shell', 'shell', 'a stage cannot need itself'], ['shell', 'shell-2', 'already connected']]) {
    await connect(from, to, { release: false });
    await page.locator('.pk-connection-refused').waitFor();
    const label = await page.getByTestId('refusal-label').textContent();
    if (label !== `${words} — not allowed`) fail(`a ${from} → ${to} line is labelled ${label}`);
    await page.mouse.up();
  }
  const edges = await page.locator('.react-flow__edge').count();
  if (edges !== 2) fail(`a refused connection was drawn: ${edges} edges`);
  step('connected the stages; a cycle was refused while dragging', { alert: await page.getByRole('alert').innerText() });

  // ---- code view: the same pipeline as YAML; a bad edit is shown at its line ----
  await page.getByRole('tab', { name: 'Code' }).click();
  const yaml = page.getByLabel('YAML code');
  await page.waitForFunction(() => document.querySelector('textarea[aria-label="YAML code"]')?.value.includes('test_command'));
  const goodYaml = await yaml.inputValue();
  await yaml.fill(goodYaml + '  - id: broken\n    needs: [shell\n');
  await page.getByRole('button', { name: 'Apply to canvas' }).click();
  const codeProblem = await page.getByLabel('Code problems').innerText();
  if (!/line \d+/.test(codeProblem)) fail('YAML problem without its line: ' + codeProblem);
  await page.getByRole('button', { name: 'Discard' }).click();
  await page.getByRole('tab', { name: 'Kotlin' }).click();
  await page.waitForFunction(() => document.querySelector('textarea[aria-label="Kotlin code"]')?.value.includes('pipeline("e2e-demo"'));
  await page.getByRole('tab', { name: 'YAML' }).click();
  step('code view shows YAML and Kotlin; a broken YAML edit is reported at its line', { problem: codeProblem });
  await page.getByRole('tab', { name: 'Stage' }).click();

  // ---- save, run, watch ----
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Saved revision 1').waitFor();
  const before = await page.locator('.react-flow__node[data-id="shell"]').boundingBox();
  await page.getByRole('button', { name: 'Auto-layout' }).click();
  await page.waitForFunction((y) => Math.abs(document.querySelector('.react-flow__node[data-id="shell"]').getBoundingClientRect().y - y) > 1, before.y);
  await page.locator('.react-flow__node[data-id="integration-tests"]').click();
  await page.screenshot({ path: join(out, 'designer.png') });
  // a stage moved by hand after the auto-layout: reopening must bring back this place, not a fresh layout
  const laidOut = await places();
  const mid = await center(page.locator('.react-flow__node[data-id="shell-2"]'));
  await page.mouse.move(mid.x, mid.y);
  await page.mouse.down();
  for (let i = 1; i <= 8; i++) await page.mouse.move(mid.x, mid.y + i * 20);
  await page.mouse.up();
  await page.waitForFunction((y) => !document.querySelector('.react-flow__node[data-id="shell-2"]').style.transform.endsWith(`${y}px)`),
    laidOut['shell-2'][1]);
  const placed = await places();
  if (placed['shell-2'][1] <= laidOut['shell-2'][1]) fail('the stage did not move: ' + JSON.stringify(placed));
  const saved = await api('GET', 'pipelines/e2e-demo');
  if (saved.stages.find((s) => s.id === 'shell-2').needs?.[0] !== 'shell') fail('needs not saved: ' + JSON.stringify(saved));
  step('saved', { stages: saved.stages.map((s) => s.id) });
  await page.getByRole('button', { name: 'Run…' }).click();
  await page.getByRole('dialog', { name: 'Run pipeline' }).getByRole('button', { name: 'Run', exact: true }).click();
  await page.waitForURL(/#\/executions\//);
  await page.locator('.react-flow__node [data-stage="shell-2"][data-status="RUNNING"]').waitFor();
  await page.screenshot({ path: join(out, 'execution-running.png') });
  const running = await page.locator('[data-status]').evaluateAll((ns) => ns.map((n) => `${n.getAttribute('data-stage')}=${n.getAttribute('data-status')}`));
  for (const s of ['shell', 'shell-2', 'integration-tests']) await page.locator(`.react-flow__node [data-stage="${s}"][data-status="SUCCEEDED"]`).waitFor();
  await page.getByTestId('execution-status').filter({ hasText: 'SUCCEEDED' }).waitFor();
  await page.screenshot({ path: join(out, 'execution.png') });
  step('ran; the stages turned green live', { whileRunning: running });

  // ---- logs: open, search, download ----
  await page.locator('.react-flow__node[data-id="shell"]').click();
  await page.locator('.pk-log-line').first().waitFor();
  // follow mode shows the end: the red ANSI line is coloured and highlighted as an error
  const errorLine = page.locator('.pk-log-line.pk-log-error');
  await errorLine.waitFor();
  const red = await errorLine.locator('.pk-log-text span').first().evaluate((e) => getComputedStyle(e).color);
  if (red !== 'rgb(255, 123, 114)') fail('the ANSI red line is ' + red + ', not the readable red of the log (#ff7b72)');
  await page.getByLabel('Search logs').fill('needle-7f3');
  await page.getByText('1 match', { exact: true }).waitFor();
  const found = await page.locator('.pk-log-line mark').first().innerText();
  await page.getByLabel('Search logs').press('Enter');
  await page.screenshot({ path: join(out, 'logs.png') });
  await page.getByRole('checkbox', { name: 'all stages' }).check();
  // anchored: each step's header line (▶ and its command) holds the same words, closed by a quote
  await page.getByLabel('Search logs').fill('/stage done$|3 passed$/');
  await page.getByText('2 matches', { exact: true }).waitFor();
  const across = await page.locator('.pk-log-line').evaluateAll((ls) => ls.map((l) => l.getAttribute('data-stage')));
  if (across.join() !== 'shell-2,integration-tests') fail('the matches across stages came from ' + across);
  await page.getByRole('checkbox', { name: 'all stages' }).uncheck();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download' }).click()]);
  const file = join(out, download.suggestedFilename());
  await download.saveAs(file);
  const text = readFileSync(file, 'utf8');
  if (!text.includes('needle-7f3 artifact ready') || !text.includes('compiling unit 300')) fail('downloaded log lacks lines: ' + text.slice(0, 200));
  if (!text.includes(' error: a red line that is only a test\n') || text.includes('\u001b')) fail('the downloaded log keeps colour codes');
  step('opened the log, found a line by search (also across stages), downloaded it', { found, red, download: download.suggestedFilename(), bytes: text.length });

  // ---- the designer puts the stages back where they were (remembered in this browser) ----
  await page.goto(`${base}#/designer/e2e-demo`);
  await page.locator('[data-testid="canvas"][data-ready]').waitFor();
  const reopened = await places();
  if (JSON.stringify(reopened) !== JSON.stringify(placed)) fail(`stages moved: ${JSON.stringify(placed)} → ${JSON.stringify(reopened)}`);
  step('reopened the designer: the stages are where they were left', { places: reopened });

  // ---- a dry run, drawn over the canvas: which stages a run on a branch would run, and why not the others ----
  await api('POST', 'pipelines', { pipelinekit: 1, id: 'e2e-dry', stages: [
    { id: 'build', steps: [{ run: 'make' }] },
    { id: 'deploy', needs: ['build'], when: "branch == 'main'", steps: [{ run: './deploy.sh' }] }] });
  await page.goto(`${base}#/designer/e2e-dry`);
  await page.locator('[data-testid="canvas"][data-ready]').waitFor();
  await page.getByRole('button', { name: 'Run…' }).click();
  const runDialog = page.getByRole('dialog', { name: 'Run pipeline' });
  await runDialog.getByLabel('Branch').fill('feature/x');
  await runDialog.getByRole('button', { name: 'Dry run' }).click();
  await page.locator('.react-flow__node [data-stage="deploy"][data-dry="skipped"]').waitFor();
  await page.locator('.react-flow__node [data-stage="build"][data-dry="runs"]').waitFor();
  const dryBanner = await page.getByTestId('dry-run').innerText();
  if (!dryBanner.includes("Dry run on feature/x: 1 of 2 stages run; deploy skipped because condition `branch == 'main'` is false")) {
    fail('dry run banner: ' + dryBanner);
  }
  if ((await api('GET', 'pipelines/e2e-dry/executions')).length !== 0) fail('a dry run started an execution');
  await page.screenshot({ path: join(out, 'dry-run.png') });
  step('a dry run on a feature branch marks the stage it would skip, and says why', { banner: dryBanner });

  // ---- analytics counts the run ----
  await page.goto(`${base}#/analytics/e2e-demo`);
  await page.getByTestId('executions').filter({ hasText: /^Executions1$/ }).waitFor();
  const rate = await page.getByTestId('success-rate').innerText();
  if (!rate.includes('100%')) fail('success rate: ' + rate);
  await page.screenshot({ path: join(out, 'analytics.png') });
  step('analytics counts the run', { rate });

  // ---- a 500-stage pipeline opens and lays out ----
  const stages = [];
  for (let i = 0; i < 500; i++) {
    const layer = Math.floor(i / 25);
    const needs = layer === 0 ? [] : [`s${(layer - 1) * 25 + (i % 25)}`, `s${(layer - 1) * 25 + ((i + 7) % 25)}`];
    stages.push({ id: `s${i}`, ...(needs.length ? { needs: [...new Set(needs)] } : {}), steps: [{ run: `echo ${i}` }] });
  }
  await api('POST', 'pipelines', { pipelinekit: 1, id: 'big-500', stages });
  // the page's longest task while opening tells whether it froze (the layout runs in a worker)
  await page.evaluate(() => {
    window.__pkLongest = 0;
    new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__pkLongest = Math.max(window.__pkLongest, e.duration); })
      .observe({ type: 'longtask' });
  });
  const t0 = Date.now();
  await page.goto(`${base}#/designer/big-500`);
  await page.locator('[data-testid="canvas"][data-ready]').waitFor({ timeout: 60_000 });
  const openMs = Date.now() - t0;
  const ready = await page.locator('[data-testid="canvas"]').getAttribute('data-ready');
  const longestTaskMs = Math.round(await page.evaluate(() => window.__pkLongest));
  await page.getByRole('button', { name: 'Auto-layout' }).click();
  const t2 = Date.now();
  await page.locator('.react-flow__node').first().click();
  await page.getByLabel('Stage settings').waitFor();
  const selectMs = Date.now() - t2;
  await page.screenshot({ path: join(out, 'designer-500.png') });
  result.big = { openMs, ready, longestTaskMs, selectMs };
  step('opened a 500-stage pipeline', result.big);

  // the broken YAML edit above is answered 400 on purpose
  const real = consoleErrors.filter((e) => !e.startsWith('Failed to load resource') && !e.startsWith('400 POST ' + base + 'api/v1/pipelines/import'));
  if (real.length > 0) fail('console errors: ' + real.join('\n'));
  result.ok = true;
} catch (e) {
  result.ok = false;
  result.error = String(e?.stack ?? e);
  await page.screenshot({ path: join(out, 'failure.png') }).catch(() => {});
  // what the page showed when it failed: the log bar and the lines on screen say more than a screenshot in a CI log
  const shown = await page.evaluate(() => [...document.querySelectorAll('.pk-logs-bar, .pk-log-line, [role=alert]')]
    .map((e) => e.textContent).join('\n')).catch(() => '');
  if (shown) console.error('page showed:\n' + shown.slice(0, 4000));
  console.error(result.error);
  console.error('console errors:', consoleErrors.join('\n'));
} finally {
  writeFileSync(join(out, 'result.json'), JSON.stringify(result, null, 2));
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
process.exit(result.ok ? 0 : 1);
