// The governance walkthrough in Debian's Chromium (playwright-core):
//   node e2e/governance.e2e.mjs <page url> <admin token> <output dir> <token of ops-lead, in group ops>
// (the server's data directory holds production's DEPLOY_TOKEN, set with `pipelinekit secrets set DEPLOY_TOKEN
// --environment production`.) A team lead sets a coverage gate in the designer and defines a production environment
// with required approvers on the Environments page; a developer's run of a feature branch gets no production secret; a
// run of main waits, ops-lead approves, and the deployment history shows who and what.
import { apiClient, e2eArgs, fail, finished, launch, step } from './browser.mjs';
import { join } from 'node:path';

const { base, token, out, rest: [opsToken] } = e2eArgs('governance.e2e.mjs', ['token of ops-lead, in group ops']);
const api = apiClient(base, token);
const lead = await launch();
const ops = await launch();
const page = lead.pages()[0] ?? await lead.newPage();
page.setDefaultTimeout(30_000);
try {
  await api('POST', 'pipelines', {
    pipelinekit: 1, id: 'release',
    stages: [
      { id: 'test', steps: [{ run: 'echo "coverage=91.5" >> "$PIPELINE_OUTPUT"; echo tested' }] },
      { id: 'deploy', needs: ['test'], environment: 'production',
        steps: [{ run: 'if [ -n "${{ secrets.DEPLOY_TOKEN }}" ]; then echo "deploying to $API_URL with the production token"; else echo "no token"; fi' }] },
    ],
  });

  // the team lead: a coverage gate on the test stage, in the designer
  await page.goto(`${base}#/designer/release?token=${encodeURIComponent(token)}`);
  await page.locator('.react-flow__node[data-id="test"]').click();
  await page.getByLabel('Quality gates').fill('coverage = outputs.coverage >= 80');
  await page.getByLabel('Quality gates').blur();
  const put = page.waitForResponse((r) => r.url().endsWith('api/v1/pipelines/release') && r.request().method() === 'PUT');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  if (!(await put).ok()) fail('saving was refused: ' + await (await put).text());
  const saved = await api('GET', 'pipelines/release');
  if (saved.stages?.[0]?.gates?.coverage !== 'outputs.coverage >= 80') fail('the gate was not saved: ' + JSON.stringify(saved.stages?.[0]));
  step('the team lead sets a coverage gate (coverage = outputs.coverage >= 80) on the test stage in the designer');

  // … and the production environment, on the Environments page
  await page.getByRole('link', { name: 'Environments' }).click();
  await page.getByLabel('Name').fill('production');
  await page.getByLabel('Required approvers').fill('ops');
  await page.getByLabel('Branches that may deploy').fill('main');
  await page.getByLabel('Variables').fill('API_URL = https://api.shop.example.org');
  await page.getByRole('button', { name: 'Save environment' }).click();
  await page.getByText('Each deployment waits for 1 of ops; only main may deploy').waitFor();
  step('the team lead defines production on the Environments page: 1 approval of ops, only main deploys, API_URL');

  // a developer's run of a feature branch: refused at production, and no secret reaches it
  const feature = await api('POST', 'pipelines/release/execute', { branch: 'feature/login' });
  const featureEnd = await finished(api, feature.id);
  if (featureEnd.status !== 'FAILED') fail('the feature run ended ' + featureEnd.status);
  const featureLog = await (await fetch(new URL(`api/v1/executions/${feature.id}/logs/text`, base), { headers: { Authorization: `Bearer ${token}` } })).text();
  if (featureLog.includes('production token') || featureLog.includes('pr0d-t0ken')) fail('the feature run got the production secret:\n' + featureLog);
  await page.goto(`${base}#/executions/${encodeURIComponent(feature.id)}`);
  await page.getByText('branch feature/login may not deploy to production (only branches [main] may)').first().waitFor();
  step(`the feature branch's run is refused at production ("branch feature/login may not deploy to production") and gets no production secret`);

  // a run of main waits for ops; ops-lead approves
  const main = await api('POST', 'pipelines/release/execute', { branch: 'main' });
  await page.goto(`${base}#/executions/${encodeURIComponent(main.id)}`);
  await page.getByTestId('approval-banner').waitFor();
  if (await page.getByRole('button', { name: 'Approve deploy' }).count() !== 0) fail('the lead, not in ops, is offered Approve');
  const opsPage = ops.pages()[0] ?? await ops.newPage();
  opsPage.setDefaultTimeout(30_000);
  await opsPage.goto(`${base}#/executions/${encodeURIComponent(main.id)}`);
  await opsPage.getByLabel('API token').fill(opsToken);
  await opsPage.getByRole('button', { name: 'Sign in' }).click();
  await opsPage.getByRole('button', { name: 'Approve deploy' }).click();
  await opsPage.locator('[data-testid="execution-status"]', { hasText: 'SUCCEEDED' }).waitFor();
  const mainLog = await (await fetch(new URL(`api/v1/executions/${main.id}/logs/text`, base), { headers: { Authorization: `Bearer ${token}` } })).text();
  if (!mainLog.includes('deploying to https://api.shop.example.org with the production token')) fail('main did not deploy with the token:\n' + mainLog);
  if (!mainLog.includes("quality gate 'coverage' holds")) fail('the gate was not checked:\n' + mainLog);
  step('the run of main passes the coverage gate, waits for ops, ops-lead approves, and it deploys with production\'s variables and token');

  // the deployment history
  await page.goto(`${base}#/environments`);
  const row = page.locator('[data-environment="production"]');
  await row.getByText(main.id).waitFor();
  const rowText = await row.innerText();
  if (!rowText.includes('approved by ops-lead') || !rowText.includes('from main')) fail('the environments page says: ' + rowText);
  await row.getByRole('link', { name: 'production' }).click();
  await page.getByTestId('deployments').waitFor();
  // (production's history also has the deploys of other pipelines that targeted it before it was defined)
  const history = (await page.locator('[data-testid="deployments"] tbody tr').allInnerTexts()).filter((r) => r.includes('release-'));
  if (history.length !== 2 || !history[0].includes('SUCCEEDED') || !history[0].includes(main.id) || !history[0].includes('ops-lead')
    || !history[1].includes('FAILED') || !history[1].includes('feature/login')) fail('the history is ' + JSON.stringify(history));
  await page.screenshot({ path: join(out, 'environment-history.png') });
  step(`the deployment history shows ${main.id} from main approved by ops-lead, and the refused feature/login run`);
} catch (e) {
  console.error(`e2e: failed: ${e.message}`);
  process.exitCode = 1;
  await page.screenshot({ path: join(out, 'governance-failure.png') }).catch(() => {});
} finally {
  await lead.close();
  await ops.close();
}
