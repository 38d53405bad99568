// The Spring Boot portal sample (samples/spring-portal) in Debian's Chromium (playwright-core, never a downloaded browser):
//   node e2e/spring-portal.e2e.mjs <page url of the designer, e.g. http://127.0.0.1:8080/ci/> <token> <output dir> <pipeline id> <execution id>
// The portal's own page links to CI; signing in there shows the pipelines the test created over HTTP, the designer opens
// one with its stages on the canvas, and its run's page says it succeeded. Screenshots go to the output dir.
import { e2eArgs, fail, launch, step } from './browser.mjs';
import { join } from 'node:path';

const { base, token, out, rest: [pipeline, execution] } = e2eArgs('spring-portal.e2e.mjs', ['pipeline id', 'execution id']);
const context = await launch();
const page = context.pages()[0] ?? await context.newPage();
page.setDefaultTimeout(30_000);
try {
  await page.goto(new URL('../', base).toString());
  await page.getByRole('heading', { name: 'Acme developer portal' }).waitFor();
  await page.getByRole('link', { name: 'CI' }).click();
  await page.waitForURL((u) => u.pathname.endsWith('/ci/'));
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Pipelines' }).waitFor();
  await page.getByText(pipeline).first().waitFor();
  await page.screenshot({ path: join(out, 'portal-pipelines.png') });
  step("the portal's page links to CI; signed in, the pipelines page lists " + pipeline);

  await page.goto(`${base}#/designer/${encodeURIComponent(pipeline)}`);
  await page.getByTestId('canvas').waitFor();
  for (const stage of ['build', 'test']) {
    await page.getByTestId('canvas').getByText(stage, { exact: true }).first().waitFor()
      .catch(() => fail(`the designer shows no stage ${stage}`));
  }
  await page.waitForFunction((id) => [...document.querySelectorAll('textarea')].some((t) => t.value.includes(`id: ${id}`)), pipeline)
    .catch(() => fail('the code beside the canvas does not show the pipeline as YAML'));
  await page.screenshot({ path: join(out, 'portal-designer.png') });
  step('the designer opens ' + pipeline + ' with its stages, and its YAML beside them');

  await page.goto(`${base}#/executions/${encodeURIComponent(execution)}`);
  await page.getByTestId('execution-status').filter({ hasText: 'SUCCEEDED' }).waitFor()
    .catch(async () => fail('the run page does not say SUCCEEDED: ' + await page.getByTestId('execution-status').textContent()));
  await page.screenshot({ path: join(out, 'portal-execution.png') });
  step('the run page says ' + execution + ' SUCCEEDED');
} finally {
  await context.close();
}
