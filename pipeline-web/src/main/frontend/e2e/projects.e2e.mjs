// Projects in the designer, in Debian's Chromium (playwright-core):
//   node e2e/projects.e2e.mjs <page url> <admin token> <output dir> <token of mobile-dev, an editor of project mobile only>
// (the server was started with --project mobile; mobile-dev was added with `users add mobile-dev --project mobile`.) The
// admin switches from the default project to mobile and stays signed in; mobile's pipelines page lists mobile's pipeline and
// none of the default project's; mobile-dev sees only mobile, and the default project's pages refuse them.
import { apiClient, e2eArgs, fail, launch, step } from './browser.mjs';
import { join } from 'node:path';

const { base, token, out, rest: [devToken] } = e2eArgs('projects.e2e.mjs', ['token of mobile-dev, an editor of project mobile']);
const mobileBase = new URL('projects/mobile/', base).toString();
const api = apiClient(base, token);
const mobile = apiClient(mobileBase, devToken);
const admin = await launch();
const dev = await launch();
try {
  await api('POST', 'pipelines', { pipelinekit: 1, id: 'default-only', stages: [{ id: 'build', steps: [{ run: 'echo default' }] }] });
  await mobile('POST', 'pipelines', { pipelinekit: 1, id: 'mobile-app', stages: [{ id: 'build', steps: [{ run: 'echo mobile' }] }] });

  const page = admin.pages()[0] ?? await admin.newPage();
  page.setDefaultTimeout(30_000);
  await page.goto(`${base}#/pipelines?token=${encodeURIComponent(token)}`);
  await page.getByText('default-only').first().waitFor();
  const select = page.getByLabel('Project');
  const options = await select.locator('option').allTextContents();
  if (options.join(',') !== 'default,mobile') fail('the admin is offered projects ' + options);
  await select.selectOption('mobile');
  await page.waitForURL((u) => u.pathname.endsWith('/projects/mobile/'));
  await page.getByText('mobile-app').first().waitFor();
  if (await page.getByText('default-only').count() !== 0) fail("mobile's pipelines page lists the default project's pipeline");
  if (await page.getByLabel('API token').count() !== 0) fail('switching projects asked to sign in again');
  if (new URL(page.url()).hash.includes('token')) fail('the token stayed in the address: ' + page.url());
  await page.screenshot({ path: join(out, 'project-mobile.png') });
  step("the admin switches to project mobile, stays signed in, and sees mobile's pipelines only");

  const devPage = dev.pages()[0] ?? await dev.newPage();
  devPage.setDefaultTimeout(30_000);
  await devPage.goto(`${mobileBase}#/pipelines`);
  await devPage.getByLabel('API token').fill(devToken);
  await devPage.getByRole('button', { name: 'Sign in' }).click();
  await devPage.getByText('mobile-app').first().waitFor();
  const devOptions = await devPage.getByLabel('Project').locator('option').allTextContents();
  if (devOptions.join(',') !== 'mobile') fail('mobile-dev is offered projects ' + devOptions);
  await devPage.goto(`${base}#/pipelines?token=${encodeURIComponent(devToken)}`);
  await devPage.getByText('mobile-dev may not read pipelines').first().waitFor()
    .catch(async () => fail('the default project does not say mobile-dev may not read it: ' + await devPage.locator('main').textContent()));
  if (await devPage.getByText('default-only').count() !== 0) fail("mobile-dev sees the default project's pipeline");
  step('mobile-dev sees only project mobile; the default project does not let them in');
} finally {
  await admin.close();
  await dev.close();
}
