// More than one person on the standalone server, in Debian's Chromium (playwright-core):
//   node e2e/identities.e2e.mjs <page url> <admin token> <output dir> <token of ops-lead, in group ops>
// (ops-lead was added with `pipelinekit users add ops-lead --group ops` before serve started.) An approver no one can
// sign in as is flagged in the designer; a stage for group ops waits for ops-lead, who signs in with a token of their
// own, sees Approve (admin does not), approves, and the run page says who approved; the audit log (admins only) has it.
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

  // the audit log: for admins only; it has the approval, the user added from the command line, and ops-lead's refused look
  await opsPage.goto(`${base}#/audit`);
  await opsPage.getByRole('alert').filter({ hasText: 'Only administrators may read the audit log.' }).waitFor();
  await page.goto(`${base}#/audit`);
  await page.getByTestId('audit').waitFor();
  const rows = async () => (await page.locator('[data-testid="audit"] tbody tr').allTextContents()).join('\n');
  const want = [`ops-leadstage.approveexecution/${run.id}/stage/shipok`, 'user.adduser/ops-leadok', 'ops-leadGET /auditauditdenied',
    'adminexecution.startpipeline/two-peopleok', 'adminpipeline.createpipeline/two-peopleok'];
  for (const w of want) if (!(await rows()).includes(w)) fail(`the audit log has no row ${w}:\n${await rows()}`);
  if (!(await page.getByTestId('audit-chain').textContent()).includes('the hash chain holds')) fail('the chain is not said to hold');
  await page.getByLabel('Actor').fill('ops-lead');
  await page.getByLabel('Actor').press('Enter');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="audit"] tbody tr')].every((r) => r.textContent.includes('ops-lead')));
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export JSON lines' }).click();
  const file = await (await download).path();
  const lines = (await import('node:fs')).readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  if (lines.length < 2 || !lines.every((l) => l.actor === 'ops-lead')) fail('the export is not ops-lead\'s entries: ' + JSON.stringify(lines));
  await page.screenshot({ path: join(out, 'audit-log.png') });
  step(`the audit log shows the approval, the user added by the CLI and ops-lead's refused look (admins only); filtered by ops-lead and exported as ${lines.length} JSON lines`);
} catch (e) {
  console.error(`e2e: failed: ${e.message}`);
  process.exitCode = 1;
  await page.screenshot({ path: join(out, 'identities-failure.png') }).catch(() => {});
} finally {
  await admin.close();
  await ops.close();
}
