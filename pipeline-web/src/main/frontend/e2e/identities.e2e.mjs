// More than one person on the standalone server, in Debian's Chromium (playwright-core):
//   node e2e/identities.e2e.mjs <page url> <admin token> <output dir> <token of ops-lead, in group ops>
// (ops-lead was added with `pipelinekit users add ops-lead --group ops` before serve started.) An approver no one can
// sign in as is flagged in the designer; a stage for group ops waits for ops-lead, who signs in with a token of their
// own, sees Approve (admin does not), approves, and the run page says who approved.
import { apiClient, e2eArgs, fail, launch, step } from './browser.mjs';
import { join } from 'node:path';

const { base, token, out, rest: [opsToken] } = e2eArgs('identities.e2e.mjs', ['token of ops-lead, in group ops']);
const api = apiClient(base, token);
const admin = await launch();
const ops = await launch();
const page = admin.pages()[0] ?? await admin.newPage();
page.setDefaultTimeout(30_000);
try {
  await api('POST', 'pipelines', {
    pipelinekit: 1, id: 'two-people', stages: [{ id: 'ship', approval: { approvers: ['ops'] }, steps: [{ run: 'echo shipped' }] }],
  });
  await page.goto(`${base}#/designer/two-people?token=${encodeURIComponent(token)}`);
  await page.locator('.react-flow__node[data-id="ship"]').waitFor();
  await page.waitForFunction(() => document.querySelector('[aria-label="YAML code"]')?.value.includes('approvers'));
  const marker = page.locator('.react-flow__node[data-id="ship"] .pk-node-problem');
  if (await marker.count() !== 0) fail('group ops is flagged though ops-lead is in it: ' + await marker.getAttribute('aria-label'));
  const yaml = (await page.getByLabel('YAML code').inputValue()).replace(/- ops$/m, '- nobody').replace('[ops]', '[nobody]');
  if (!yaml.includes('nobody')) fail('the YAML has no approvers list to change: ' + yaml);
  await page.getByLabel('YAML code').fill(yaml);
  await page.getByRole('button', { name: 'Apply to canvas' }).click();
  await page.locator(`.react-flow__node[data-id="ship"] .pk-node-problem[aria-label*="no one who can sign in to this server is 'nobody'"]`).waitFor()
    .catch(async () => fail('the unknown approver is not flagged on the stage: ' + await page.locator('.react-flow__node[data-id="ship"]').innerHTML()));
  step("an approver no one can sign in as ('nobody') is flagged on the stage; group 'ops' is not");
  page.once('dialog', (d) => void d.accept());

  const run = await api('POST', 'pipelines/two-people/execute', {});
  await page.goto(`${base}#/executions/${encodeURIComponent(run.id)}`);
  await page.getByTestId('approval-banner').waitFor();
  if (await page.getByRole('button', { name: 'Approve ship' }).count() !== 0) fail('admin, not in ops, is offered Approve');

  const opsPage = ops.pages()[0] ?? await ops.newPage();
  opsPage.setDefaultTimeout(30_000);
  await opsPage.goto(`${base}#/executions/${encodeURIComponent(run.id)}`);
  await opsPage.getByLabel('API token').fill(opsToken);
  await opsPage.getByRole('button', { name: 'Sign in' }).click();
  await opsPage.getByRole('button', { name: 'Approve ship' }).click();
  await opsPage.locator('[data-testid="execution-status"]', { hasText: 'SUCCEEDED' }).waitFor();
  const decided = await opsPage.locator('.pk-node[data-stage="ship"] [data-testid="stage-decision"]').textContent();
  if (decided !== 'approved by ops-lead') fail('the node says ' + decided);
  await opsPage.screenshot({ path: join(out, 'approved-by-ops-lead.png') });
  step('ops-lead signs in with a token of their own, approves (admin is not offered to), and the node says "approved by ops-lead"');
} catch (e) {
  console.error(`e2e: failed: ${e.message}`);
  process.exitCode = 1;
  await page.screenshot({ path: join(out, 'identities-failure.png') }).catch(() => {});
} finally {
  await admin.close();
  await ops.close();
}
