// Work in the designer is not lost, in Debian's Chromium (playwright-core):
//   node e2e/designer-work.e2e.mjs <page url, e.g. http://127.0.0.1:8080/ci/> <token> <output dir>
// A new canvas opens without a red error; going to another page with unsaved changes asks first (and staying keeps the
// work); after a new pipeline is saved, "Designer" opens a new, empty pipeline rather than the saved one, and its code
// shows no stale version:; a message floats over the canvas; a line let go on a stage's body connects; the code view
// keeps an unknown need and marks its line, keeps line numbers beside their lines, has JSON and HCL tabs with copy and
// download, and offers a pasted GitHub Actions workflow for import; a pipeline with problems is kept as a draft.
import { e2eArgs, fail, launch, step } from './browser.mjs';
import { join } from 'node:path';

const { base, token, out } = e2eArgs('designer-work.e2e.mjs');
const context = await launch();
const page = context.pages()[0] ?? await context.newPage();
page.setDefaultTimeout(30_000);
/** A new, empty designer whatever the page showed (unsaved work left behind is let go). */
const freshDesigner = async () => {
  const leave = (d) => void d.accept().catch(() => {});
  page.on('dialog', leave);
  await page.goto(`${base}#/pipelines`);
  await page.getByRole('heading', { name: 'Pipelines' }).waitFor();
  page.off('dialog', leave);
  await page.goto(`${base}#/designer`);
  await page.getByTestId('canvas').waitFor();
};
const stageCount = () => page.locator('.react-flow__node').count();
const sections = {
  async freshCanvas() {
    const validated = page.waitForResponse((r) => r.url().includes('/pipelines/validate'));
    // the code view checks the code it shows with the server: its answer is awaited before the code view is looked at
    const checked = page.waitForResponse((r) => r.url().includes('/pipelines/import?format=yaml&save=false'));
    await page.goto(`${base}#/designer?token=${encodeURIComponent(token)}`);
    await page.getByTestId('canvas').waitFor();
    await validated;
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    if (await page.locator('.pk-pipeline-problems').count() !== 0) fail('a new, empty canvas shows problems: ' + await page.locator('.pk-pipeline-problems').textContent());
    if ((await page.locator('.pk-status').textContent()).includes('problem')) fail('a new, empty canvas says it has problems');
    await page.waitForFunction(() => document.querySelector('[aria-label="YAML code"]')?.value.includes('stages'));
    await checked;
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    if (await page.locator('.pk-code .pk-problems').count() !== 0) fail('the code view of a new canvas lists problems: ' + await page.locator('.pk-code .pk-problems').textContent());
    if ((await page.locator('.pk-status').textContent()).includes('unsaved')) fail('a new, untouched canvas says it has unsaved changes');
    let asked = null;
    const onDialog = (d) => { asked = d.message(); void d.accept(); };
    page.on('dialog', onDialog);
    await page.getByRole('link', { name: 'Pipelines' }).click();
    await page.getByRole('heading', { name: 'Pipelines' }).waitFor();
    page.off('dialog', onDialog);
    if (asked) fail('leaving a new, untouched canvas asked: ' + asked);
    step('a new canvas opens without a red error, and leaving it untouched asks nothing');
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

    // the stored revision is the page's business (If-Match), not the document's: it never shows, stale, in the code
    await page.goto(`${base}#/designer/saved-first`);
    await page.locator('.react-flow__node').first().waitFor();
    await page.getByRole('tab', { name: 'Code' }).click();
    await page.waitForFunction(() => document.querySelector('[aria-label="YAML code"]')?.value.includes('saved-first'));
    const code = await page.getByLabel('YAML code').inputValue();
    if (/^version:/m.test(code)) fail('the YAML of a saved pipeline carries its revision: ' + code.split('\n').find((l) => l.startsWith('version:')));
    await page.getByLabel('Pipeline name').fill('Saved first');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved revision 2').waitFor();
    if (/^version:/m.test(await page.getByLabel('YAML code').inputValue())) fail('after saving again the YAML carries a revision');
    step('the code view of a saved pipeline shows no (stale) version:, before and after saving again');
  },
  async bannersStayPut() {
    await page.goto(`${base}#/designer`);
    await page.getByTestId('canvas').waitFor();
    const before = await page.getByTestId('canvas').boundingBox();
    await page.getByRole('button', { name: 'Save', exact: true }).click(); // no id yet: a message says so
    await page.getByText('Give the pipeline an id first').waitFor();
    const during = await page.getByTestId('canvas').boundingBox();
    if (during.y !== before.y || during.height !== before.height) fail(`a message moved the canvas: ${JSON.stringify(before)} → ${JSON.stringify(during)}`);
    await page.getByRole('button', { name: 'Dismiss' }).click();
    const after = await page.getByTestId('canvas').boundingBox();
    if (after.y !== before.y) fail('dismissing the message moved the canvas');
    step('a message appears over the canvas without moving it');
  },
  async connectOnBody() {
    await freshDesigner();
    await page.getByLabel('Pipeline id').fill('connected');
    await page.locator('.pk-library-item[data-stage-type="shell"]').dblclick();
    await page.locator('.pk-library-item[data-stage-type="shell"]').dblclick();
    await page.locator('.react-flow__node[data-id="shell-2"]').waitFor();
    const handle = await page.locator('.react-flow__node[data-id="shell"] .react-flow__handle.source').boundingBox();
    if (handle.width < 12 || handle.height < 12) fail(`the handle is ${handle.width}×${handle.height} px`);
    const body = await page.locator('.react-flow__node[data-id="shell-2"] .pk-node-title').boundingBox();
    const from = { x: handle.x + handle.width / 2, y: handle.y + handle.height / 2 };
    const to = { x: body.x + body.width / 2, y: body.y + body.height / 2 + 10 };
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) await page.mouse.move(from.x + ((to.x - from.x) * i) / 10, from.y + ((to.y - from.y) * i) / 10);
    await page.mouse.up();
    await page.locator('.react-flow__edge').first().waitFor({ state: 'attached', timeout: 5000 }).catch(() => fail('letting go on the stage\'s body did not connect'));
    step(`handles are ${Math.round(handle.width)} px; letting go on a stage's body connects it (shell-2 needs shell)`);
    // letting go over nothing says so
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) await page.mouse.move(from.x + i * 5, from.y + i * 25);
    await page.mouse.up();
    await page.getByText('Not connected: let go of the line over a stage').waitFor({ timeout: 5000 }).catch(() => fail('letting go over nothing said nothing'));
    step('letting go of a line over nothing says how to connect');
    page.once('dialog', (d) => void d.accept());
  },
  async codeView() {
    await freshDesigner();
    await page.getByRole('tab', { name: 'Code' }).click();
    await page.getByLabel('Pipeline id').fill('coded');
    const yaml = ['pipelinekit: 1', 'id: coded', 'stages:', '  - id: build', '    steps:', '      - run: make',
      '  - id: test', '    needs: [build, nope]', '    steps:', '      - run: make test', ''].join('\n');
    await page.getByLabel('YAML code').fill(yaml);
    await page.getByRole('button', { name: 'Apply to canvas' }).click();
    await page.getByText(/Applied the YAML: 2 stages, \d+ problem/).waitFor()
      .catch(async () => fail('applying YAML with an unknown need did not say it has problems: ' + await page.locator('.pk-message').textContent()));
    await page.waitForFunction(() => document.querySelector('.pk-status')?.textContent?.includes('problem'), null, { timeout: 5000 })
      .catch(() => fail('the designer says the pipeline with an unknown need is valid'));
    // the code shown now is the canvas written out: the need is still there, listed and marked at its line
    await page.waitForFunction(() => document.querySelector('[aria-label="YAML code"]')?.value.includes('nope')
      && document.querySelector('.pk-gutter .bad'), null, { timeout: 5000 })
      .catch(async () => fail('the unknown need was dropped or is not marked: ' + await page.getByLabel('YAML code').inputValue()));
    const code = (await page.getByLabel('YAML code').inputValue()).split('\n');
    const at = code.findIndex((l) => l.includes('nope')) + 1;
    const marked = await page.locator('.pk-gutter .bad').allTextContents();
    const listed = await page.getByLabel('Code problems').textContent();
    if (!marked.includes(String(at)) || !listed.includes(`line ${at}: `)) fail(`the need on line ${at} is not marked (${marked}) or listed there: ${listed}`);
    step(`applying YAML with an unknown need keeps it, lists and marks it at its line (${at}) and does not say valid`);

    // long code: the gutter scrolls with the text (line n beside text line n)
    const long = ['pipelinekit: 1', 'id: coded', 'stages:'];
    for (let i = 0; i < 40; i++) long.push(`  - id: s${i}`, '    steps:', `      - run: echo ${i}`);
    await page.getByLabel('YAML code').fill(long.join('\n') + '\n');
    const body = page.locator('.pk-code-body');
    await body.evaluate((el) => { el.scrollTop = el.scrollHeight; });
    const aligned = await page.evaluate(() => {
      const gutter = [...document.querySelectorAll('.pk-gutter div')];
      const n = gutter.length - 5;
      const area = document.querySelector('.pk-code-body textarea');
      const style = getComputedStyle(area);
      const textTop = area.getBoundingClientRect().top + parseFloat(style.paddingTop) + (n - 1) * parseFloat(style.lineHeight);
      return Math.abs(gutter[n - 1].getBoundingClientRect().top - textTop);
    });
    if (aligned > 2) fail(`after scrolling, a line number is ${aligned}px away from its line`);
    step('line numbers stay beside their lines when the code scrolls');
    await page.getByRole('button', { name: 'Discard' }).click();

    for (const [tab, text] of [['JSON', '"id": "coded"'], ['HCL', 'pipeline "coded"']]) {
      await page.getByRole('tab', { name: tab }).click();
      await page.waitForFunction(([label, t]) => document.querySelector(`[aria-label="${label} code"]`)?.value.includes(t), [tab, text], { timeout: 5000 })
        .catch(() => fail(`the ${tab} tab does not show the pipeline`));
    }
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download' }).click()]);
    if (download.suggestedFilename() !== 'coded.hcl') fail('the download is called ' + download.suggestedFilename());
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    step('JSON and HCL tabs; Download gives coded.hcl; Copy copies');

    await page.getByRole('tab', { name: 'YAML' }).click();
    const workflow = ['name: CI', 'on:', '  push:', '    branches: [main]', 'jobs:', '  unit:', '    runs-on: ubuntu-latest', '    steps:',
      '      - run: make test', ''].join('\n');
    await page.getByLabel('YAML code').fill(workflow);
    await page.getByRole('button', { name: 'Apply to canvas' }).click();
    await page.getByTestId('import-offer').waitFor().catch(() => fail('a pasted GitHub Actions workflow was not offered for import'));
    if (!(await page.getByTestId('import-offer').textContent()).includes('GitHub Actions workflow')) fail('the offer does not name GitHub Actions');
    await page.getByRole('button', { name: 'Import it' }).click();
    await page.locator('.react-flow__node[data-id="unit"]').waitFor().catch(() => fail('importing the workflow did not put its job on the canvas'));
    step('a pasted GitHub Actions workflow is offered for import, and imported');
    page.once('dialog', (d) => void d.accept());
  },
  async draft() {
    await freshDesigner();
    await page.getByRole('tab', { name: 'Code' }).click();
    await page.getByLabel('Pipeline id').fill('half-built');
    const yaml = ['pipelinekit: 1', 'id: half-built', 'stages:', '  - id: test', '    needs: [build]', '    steps:', '      - run: make test', ''].join('\n');
    await page.getByLabel('YAML code').fill(yaml);
    await page.getByRole('button', { name: 'Apply to canvas' }).click();
    await page.locator('.react-flow__node[data-id="test"]').waitFor();
    await page.waitForFunction(() => document.querySelector('.pk-status')?.textContent?.includes('problem'), null, { timeout: 5000 });
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText(/Saved as a draft: 1 problem/).waitFor()
      .catch(async () => fail('a pipeline with a problem was not kept as a draft: ' + await page.locator('.pk-message').textContent()));
    if (!page.url().includes('#/designer/half-built')) fail('the draft\'s address is not its own: ' + page.url());
    await page.reload();
    await page.locator('.react-flow__node[data-id="test"]').waitFor().catch(() => fail('the draft did not open again after a reload'));
    await page.getByText(/Opened your draft/).waitFor();
    await page.getByRole('link', { name: 'Pipelines' }).click();
    await page.locator('[data-pipeline="half-built"] [data-testid="draft-badge"]').waitFor().catch(() => fail('the pipelines page shows no draft badge'));
    const refused = await page.evaluate(async ([t]) => (await fetch('api/v1/pipelines/half-built/execute', { method: 'POST',
      headers: { Authorization: `Bearer ${t}`, 'Content-Type': 'application/json' }, body: '{}' })).status, [token]);
    if (refused !== 409) fail('a draft could be started: ' + refused);
    step('a pipeline with problems is saved as a draft, opens again after a reload, is listed as a draft and cannot run');
    await page.screenshot({ path: join(out, 'designer-draft.png') });
  },
};
for (const [name, section] of Object.entries(sections)) {
  try {
    await section();
  } catch (e) {
    console.error(`e2e: ${name} failed: ${e.message}`);
    process.exitCode = 1;
    await page.screenshot({ path: join(out, `designer-work-${name}-failure.png`) }).catch(() => {});
    // leave the failed section's work behind, so the next section starts afresh
    const leave = (d) => void d.accept().catch(() => {}); // (a section may have answered it already)
    page.on('dialog', leave);
    await page.goto(`${base}#/pipelines`).catch(() => {});
    await page.reload().catch(() => {});
    page.off('dialog', leave);
  }
}
try {
  // each section above said what it saw
} finally {
  await context.close();
}
