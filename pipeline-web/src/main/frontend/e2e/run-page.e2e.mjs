// The run page says what happened and what to do, in Debian's Chromium (playwright-core, never a downloaded browser):
//   node e2e/run-page.e2e.mjs <page url, e.g. http://127.0.0.1:8080/ci/> <token> <output dir>
// A stage waiting for approval shows a banner with Approve for an approver and none for others, and the header says
// so; a refused action shows a dismissible message and leaves the page; after the run fails, the failed stage's log
// opens by itself, each failed or skipped stage says why on its node, the approved one who approved it; the pipelines
// page shows each pipeline's last run. Screenshots and result.json go to the output dir; exits non-zero on any failure.
import { apiClient, e2eArgs, fail, launch } from './browser.mjs';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const { base, token, out } = e2eArgs('run-page.e2e.mjs');
const result = { steps: [] };
const step = (name, extra = {}) => {
  result.steps.push({ name, ...extra });
  console.log(`e2e: ${name}${Object.keys(extra).length ? ' ' + JSON.stringify(extra) : ''}`);
};
const api = apiClient(base, token);

const context = await launch();
const page = context.pages()[0] ?? await context.newPage();
page.setDefaultTimeout(30_000);
try {
  await api('POST', 'pipelines', {
    pipelinekit: 1, id: 'gated', name: 'Gated release',
    stages: [
      { id: 'build', steps: [{ run: 'echo built' }] },
      { id: 'deploy', needs: ['build'], approval: { approvers: ['admins'] }, steps: [{ run: 'echo deployed' }] },
      { id: 'verify', needs: ['deploy'], steps: [{ run: 'echo checking; exit 3' }] },
      { id: 'notify', needs: ['verify'], steps: [{ run: 'echo told' }] },
    ],
  });
  await api('POST', 'pipelines', {
    pipelinekit: 1, id: 'ops-only', stages: [{ id: 'change', approval: { approvers: ['ops'] }, steps: [{ run: 'echo changed' }] }],
  });

  // signing in checks the token; once signed in, a link opened in another tab needs no second sign-in
  const opsRun = await api('POST', 'pipelines/ops-only/execute', {});
  await page.goto(`${base}#/pipelines`);
  await page.getByLabel('API token').fill('not-the-token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('The server does not accept this token').waitFor();
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Pipelines' }).waitFor();
  const tab = await context.newPage();
  await tab.goto(`${base}#/executions/${encodeURIComponent(opsRun.id)}`);
  await tab.getByTestId('execution-status').waitFor();
  await tab.close();
  step('a wrong token is refused at sign-in; a run link in a new tab opens without signing in again');

  // someone who is not an approver sees why the run waits, and no Approve
  await page.goto(`${base}#/executions/${encodeURIComponent(opsRun.id)}`);
  const opsBanner = page.getByTestId('approval-banner');
  await opsBanner.waitFor();
  if (await opsBanner.getByRole('button', { name: /Approve/ }).count() !== 0) fail('Approve is offered to someone who may not approve');
  if (!(await opsBanner.textContent()).includes('You are not one of its approvers')) fail('the banner does not say the viewer may not approve');
  if ((await page.getByTestId('execution-status').textContent()) !== 'WAITING FOR APPROVAL') fail('the header does not say the run waits for approval');
  step('a non-approver sees the waiting banner without Approve, and the header says it waits');
  await api('POST', `executions/${encodeURIComponent(opsRun.id)}/cancel`, { reason: 'not today' });

  // an approver gets the banner with Approve; a refused approval is a dismissible message, the page stays
  const run = await api('POST', 'pipelines/gated/execute', {});
  await page.goto(`${base}#/executions/${encodeURIComponent(run.id)}`);
  const banner = page.getByTestId('approval-banner');
  await banner.waitFor();
  const approve = banner.getByRole('button', { name: 'Approve deploy' });
  await approve.waitFor();
  await page.screenshot({ path: join(out, 'run-approval-banner.png') });
  await page.route('**/stages/deploy/approve', (route) => route.fulfill({
    status: 403, contentType: 'application/problem+json',
    body: JSON.stringify({ type: 'about:blank', title: 'Forbidden', status: 403, detail: 'admin may not approve stage deploy right now' }),
  }), { times: 1 });
  await approve.click();
  const alert = page.getByTestId('action-error');
  await alert.waitFor();
  if (!(await alert.textContent()).includes('admin may not approve stage deploy right now')) fail('the refusal does not say why');
  if (await page.locator('.react-flow__node').count() !== 4) fail('the refusal replaced the graph');
  if (await banner.getByRole('button', { name: 'Approve deploy' }).count() !== 1) fail('the refusal took the Approve button away');
  await alert.getByRole('button', { name: 'Dismiss' }).click();
  await alert.waitFor({ state: 'detached' });
  step('a refused approval is a dismissible message; the graph and the banner stay');

  await approve.click();
  await page.waitForFunction(() => ['FAILED'].includes(document.querySelector('[data-testid="execution-status"]')?.textContent ?? ''));
  await page.locator('[aria-label="Log of verify"]').waitFor();
  if (await page.getByLabel('Log of stage').inputValue() !== 'verify') fail('the failed stage\'s log did not open by itself');
  const reasonOf = (id) => page.locator(`.pk-node[data-stage="${id}"] [data-testid="stage-reason"]`).textContent();
  const verifyReason = await reasonOf('verify');
  if (!verifyReason.includes('exited with 3')) fail(`verify's node says ${verifyReason}`);
  const notifyReason = await reasonOf('notify');
  if (!notifyReason.includes('verify')) fail(`notify's node says ${notifyReason}`);
  const decided = await page.locator('.pk-node[data-stage="deploy"] [data-testid="stage-decision"]').textContent();
  if (decided !== 'approved by admin') fail(`deploy's node says ${decided}`);
  const logReason = await page.getByTestId('log-reason').textContent();
  if (!logReason.includes('verify failed: step 1')) fail('the log pane does not say why verify failed: ' + logReason);
  await page.screenshot({ path: join(out, 'run-failure-reason.png') });
  step('the failed stage\'s log opened by itself; the nodes and the log pane say why, and who approved',
    { verify: verifyReason, notify: notifyReason, deploy: decided });

  await page.goto(`${base}#/pipelines`);
  const last = page.locator('tr[data-pipeline="gated"] [data-testid="last-run"]');
  await last.getByText('FAILED').waitFor();
  await page.screenshot({ path: join(out, 'pipelines-last-run.png') });
  step('the pipelines page shows the last run', { gated: (await last.textContent()).trim() });

  // every run in one list, filtered by status (the filter in the address)
  await page.getByRole('link', { name: 'Runs', exact: true }).click();
  await page.locator('[data-testid="runs"] tbody tr').nth(1).waitFor();
  const rows = await page.locator('[data-testid="runs"] tbody tr').count();
  if (rows !== 2) fail(`the run list has ${rows} runs, not 2`);
  await page.getByLabel('Status').selectOption('FAILED');
  await page.waitForFunction(() => window.location.hash.includes('status=FAILED'));
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="runs"] tbody tr').length === 1);
  const only = await page.locator('[data-testid="runs"] tbody tr').first().textContent();
  if (!only.includes('gated #1') || !only.includes('FAILED')) fail('the FAILED filter shows ' + only);
  await page.screenshot({ path: join(out, 'runs-list.png') });
  step('the run list shows every run and filters by status', { row: only });

  // re-run every stage from the failed run's page; previous and next lead from one run to the other
  await page.goto(`${base}#/executions/${encodeURIComponent(run.id)}`);
  await page.getByRole('button', { name: 'Re-run all' }).click();
  await page.waitForFunction((first) => !window.location.hash.includes(first) && window.location.hash.includes('#/executions/'), run.id);
  await page.getByRole('heading', { name: /#2/ }).waitFor();
  await page.getByRole('link', { name: 'Previous run' }).click();
  await page.getByRole('heading', { name: /#1/ }).waitFor();
  await page.getByRole('link', { name: 'Next run' }).waitFor();
  step('Re-run all starts run #2; previous and next lead between the runs');

  // re-run only what failed, traced: the stages that succeeded (build, the approved deploy) keep their results, and the
  // failed step's commands are logged as it runs them
  await page.getByRole('checkbox', { name: 'trace steps' }).check();
  await page.getByRole('button', { name: 'Re-run failed' }).click();
  await page.getByRole('heading', { name: /#3/ }).waitFor();
  await page.locator('.pk-node[data-stage="verify"][data-status="FAILED"]').waitFor();
  for (const kept of ['build', 'deploy']) {
    if (!(await page.locator(`.pk-node[data-stage="${kept}"]`).textContent()).includes('reused')) fail(`${kept} ran again in Re-run failed`);
  }
  if (await page.getByTestId('approval-banner').count() !== 0) fail('Re-run failed asked for the approval again');
  const third = page.url().split('#/executions/')[1].split(/[?/]/)[0];
  const traced = await (await fetch(new URL(`api/v1/executions/${third}/logs/text?stage=verify`, base),
    { headers: { Authorization: `Bearer ${token}` } })).text();
  if (!traced.includes('+ echo checking')) fail('the traced re-run did not log its commands: ' + traced.slice(0, 300));
  step('Re-run failed (traced) starts run #3 with build and the approved deploy kept, verify run again with its commands logged');

  // stages a job generates appear in the execution's graph as they are added, with their needs
  await api('POST', 'pipelines', {
    pipelinekit: 1, id: 'generates', stages: [
      { id: 'plan', steps: [{ run: 'printf -- "- id: gen-a\\n  needs: [plan]\\n  steps: [{ run: echo a }]\\n- id: gen-b\\n  needs: [gen-a]\\n  steps: [{ run: echo b }]\\n" > "$PIPELINE_STAGES"' }] },
      { id: 'report', needs: ['plan'], steps: [{ run: 'echo reported' }] }],
  });
  const generated = await api('POST', 'pipelines/generates/execute', {});
  await page.goto(`${base}#/executions/${encodeURIComponent(generated.id)}`);
  for (const s of ['plan', 'gen-a', 'gen-b', 'report']) await page.locator(`.pk-node[data-stage="${s}"][data-status="SUCCEEDED"]`).waitFor();
  const drawn = await page.locator('.react-flow__edge').count();
  if (drawn < 3) fail(`the generated stages' needs are not drawn: ${drawn} edges`);
  await page.screenshot({ path: join(out, 'generated-stages.png') });
  step('stages a job generated are drawn in the execution graph with their needs', { edges: drawn });
} catch (e) {
  result.error = e.message;
  console.error(`e2e: ${e.message}`);
  process.exitCode = 1;
  await page.screenshot({ path: join(out, 'run-page-failure.png') }).catch(() => {});
} finally {
  writeFileSync(join(out, 'run-page-result.json'), JSON.stringify(result, null, 2));
  await context.close();
}
