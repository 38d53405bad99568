import { fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import type { StageDoc } from '../model';
import type { StageTypeJson } from '../schema';
import { ConfigPanel } from './ConfigPanel';

const INTEGRATION: StageTypeJson = {
  id: 'integration-tests', name: 'Integration Tests', category: 'test', description: 'Starts services and runs tests.', acceptsSteps: false,
  inputs: [
    { name: 'services', required: false, description: 'Services', default: [], schema: { type: 'list', items: { type: 'object' } } },
    { name: 'test_command', required: true, description: 'Command that runs the tests', schema: { type: 'string' } },
    { name: 'parallel', required: false, description: 'Run in parallel', default: false, schema: { type: 'boolean' } },
    { name: 'reporter', required: false, description: 'Report format', default: 'junit', schema: { type: 'choice', options: ['junit', 'tap'] } },
  ],
  outputs: [],
};

/** The panel over a stage kept in state, as the designer does, so each change is seen by the next. */
function Harness({ initial, seen, rename = () => null }: { initial: StageDoc; seen: StageDoc[]; rename?: (id: string) => string | null }) {
  const [stage, setStage] = useState(initial);
  return <ConfigPanel stage={stage} type={INTEGRATION} problems={[]} onChange={(s) => { seen.push(s); setStage(s); }} onRename={rename} onDelete={() => {}} />;
}

describe('ConfigPanel', () => {
  test('inputs come from the schema: required ones marked, defaults as placeholders, typed controls', () => {
    render(<Harness initial={{ id: 'it', type: 'integration-tests' }} seen={[]} />);
    const command = screen.getByLabelText('test_command');
    expect(command.getAttribute('aria-required')).toBe('true');
    expect(command.closest('label')!.textContent).toContain('test command *');
    expect(command.closest('label')!.className).toBe('pk-missing');
    expect((screen.getByLabelText('parallel') as HTMLInputElement).type).toBe('checkbox');
    expect(screen.getByLabelText('reporter').tagName).toBe('SELECT');
    expect(screen.getByText('default (junit)')).toBeTruthy();
    expect(screen.queryByText('Steps')).toBeNull();
  });

  test('continue on error limited to exit codes shows them, and unchecking removes it', () => {
    const seen: StageDoc[] = [];
    render(<Harness initial={{ id: 'it', type: 'integration-tests', continueOnError: { exitCodes: [3, 137] } }} seen={seen} />);
    const box = screen.getByLabelText(/Continue on error/) as HTMLInputElement;
    expect(box.checked).toBe(true);
    expect(box.closest('label')!.textContent).toContain('only exit codes 3, 137');
    fireEvent.click(box);
    expect(seen.at(-1)!.continueOnError).toBeUndefined();
  });

  test('quality gates are lines of name = condition, kept as the stage\'s gates', () => {
    const seen: StageDoc[] = [];
    render(<Harness initial={{ id: 'it', type: 'integration-tests', gates: { tests: 'outputs.failures == 0' } }} seen={seen} />);
    const gates = screen.getByLabelText('Quality gates') as HTMLTextAreaElement;
    expect(gates.value).toBe('tests = outputs.failures == 0');
    fireEvent.change(gates, { target: { value: 'tests = outputs.failures == 0\ncoverage = outputs.coverage >= 80' } });
    fireEvent.blur(gates);
    expect(seen.at(-1)!.gates).toEqual({ tests: 'outputs.failures == 0', coverage: 'outputs.coverage >= 80' });
    fireEvent.change(gates, { target: { value: '' } });
    fireEvent.blur(gates);
    expect(seen.at(-1)!.gates).toBeUndefined();
  });

  test('edits become the stage document: inputs under with, retry, timeout, matrix, cache, artifacts, approval, environment', () => {
    const seen: StageDoc[] = [];
    render(<Harness initial={{ id: 'it', type: 'integration-tests' }} seen={seen} />);
    fireEvent.change(screen.getByLabelText('test_command'), { target: { value: 'make it' } });
    fireEvent.click(screen.getByLabelText('parallel'));
    fireEvent.change(screen.getByLabelText('Retries'), { target: { value: '2' } });
    fireEvent.change(screen.getByLabelText('Timeout'), { target: { value: '20m' } });
    fireEvent.change(screen.getByLabelText('Matrix axes'), { target: { value: 'jdk = 17, 21\nos = linux' } });
    fireEvent.blur(screen.getByLabelText('Matrix axes'));
    fireEvent.change(screen.getByLabelText('Cache key'), { target: { value: 'm2' } });
    fireEvent.change(screen.getByLabelText('Cache paths'), { target: { value: '~/.m2, target/deps' } });
    fireEvent.change(screen.getByLabelText('Artifact paths'), { target: { value: 'target/*.jar' } });
    fireEvent.change(screen.getByLabelText('Approvers'), { target: { value: 'alice, team-leads' } });
    fireEvent.change(screen.getByLabelText('Environment'), { target: { value: 'staging' } });
    fireEvent.change(screen.getByLabelText('When'), { target: { value: "branch == 'main'" } });
    expect(seen[seen.length - 1]).toEqual({
      id: 'it', type: 'integration-tests', with: { test_command: 'make it', parallel: true }, retry: { limit: 2 }, timeout: '20m',
      matrix: { axes: { jdk: ['17', '21'], os: ['linux'] } }, cache: { key: 'm2', paths: ['~/.m2', 'target/deps'] },
      artifacts: { paths: ['target/*.jar'] }, approval: { approvers: ['alice', 'team-leads'] }, environment: 'staging', when: "branch == 'main'",
    });
    // clearing a value removes the key rather than storing an empty one
    fireEvent.change(screen.getByLabelText('test_command'), { target: { value: '' } });
    fireEvent.change(screen.getByLabelText('Retries'), { target: { value: '' } });
    expect(seen[seen.length - 1].with).toEqual({ parallel: true });
    expect(seen[seen.length - 1].retry).toBeUndefined();
  });

  test('steps that run after a failure or always, steps that may fail, cache policy, artifacts on failure and the files a stage starts from', () => {
    const seen: StageDoc[] = [];
    render(<Harness initial={{ id: 'test', steps: [{ run: 'make test' }, { run: 'make report' }], cache: { key: 'deps', paths: ['vendor'] },
      artifacts: { paths: ['report.xml'] } }} seen={seen} />);
    fireEvent.change(screen.getByLabelText('Step 2 runs'), { target: { value: 'failure()' } });
    fireEvent.click(screen.getByLabelText('Step 2 may fail'));
    fireEvent.change(screen.getByLabelText('Cache policy'), { target: { value: 'pull' } });
    fireEvent.change(screen.getByLabelText('Artifacts stored'), { target: { value: 'on-failure' } });
    fireEvent.change(screen.getByLabelText('Files from'), { target: { value: 'none' } });
    expect(seen[seen.length - 1]).toEqual({
      id: 'test', steps: [{ run: 'make test' }, { run: 'make report', when: 'failure()', continueOnError: true }],
      cache: { key: 'deps', paths: ['vendor'], policy: 'pull' }, artifacts: { paths: ['report.xml'], when: 'on-failure' }, dependencies: [],
    });
    fireEvent.change(screen.getByLabelText('Step 2 runs'), { target: { value: '' } });
    fireEvent.change(screen.getByLabelText('Files from'), { target: { value: '' } });
    expect(seen[seen.length - 1].steps![1]).toEqual({ run: 'make report', continueOnError: true });
    expect(seen[seen.length - 1].dependencies).toBeUndefined();
  });

  test('a rename that cannot be used says why and keeps the id', () => {
    render(<Harness initial={{ id: 'it', type: 'integration-tests' }} seen={[]} rename={(id) => (id === 'build' ? "another stage is already called 'build'" : null)} />);
    const id = screen.getByLabelText('Stage id');
    fireEvent.change(id, { target: { value: 'build' } });
    fireEvent.blur(id);
    expect(screen.getByText("another stage is already called 'build'")).toBeTruthy();
  });

  test('stages that run commands edit their steps', () => {
    const seen: StageDoc[] = [];
    render(<ConfigPanel stage={{ id: 's', steps: [{ run: 'make' }, { run: 'make test' }] }} type={undefined} problems={['stages.s.steps: something']}
      onChange={(s) => seen.push(s)} onRename={() => null} onDelete={() => {}} />);
    expect(screen.getByText('stages.s.steps: something')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Step 2 command'), { target: { value: 'make check' } });
    expect(seen[0].steps).toEqual([{ run: 'make' }, { run: 'make check' }]);
    fireEvent.click(screen.getByLabelText('Remove step 1'));
    expect(seen[1].steps).toEqual([{ run: 'make test' }]);
  });
});
