import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { LogLine } from '../logs';
import { LogViewer, type LogSource } from './LogViewer';

/** Lines held in memory, handed out the way the API's stream does (in order, from a line number). */
function memorySource(logs: Record<string, string[]>): LogSource & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    text: async (stage) => (stage === null ? Object.values(logs).flat() : logs[stage] ?? []).join('\n'),
    async stream(stage, from, _follow, onLine) {
      calls.push(`${stage}@${from}`);
      (logs[stage] ?? []).forEach((text, i) => {
        if (i + 1 >= from) onLine({ stage, line: i + 1, job: stage, attempt: 1, time: new Date(Date.UTC(2026, 10, 27, 10, 0, 0, i)).toISOString(), text } satisfies LogLine);
      });
    },
  };
}

describe('LogViewer', () => {
  // jsdom lays nothing out: give the log's scroll box the size a browser would (600 px: 30 rows of 20 px)
  const size = (name: 'clientHeight' | 'clientWidth', px: number) => {
    const original = Object.getOwnPropertyDescriptor(Element.prototype, name)!;
    Object.defineProperty(HTMLElement.prototype, name, {
      configurable: true,
      get(this: HTMLElement) { return this.classList.contains('pk-logs-body') ? px : original.get!.call(this); },
    });
    return () => { delete (HTMLElement.prototype as unknown as Record<string, unknown>)[name]; };
  };
  let restore: Array<() => void> = [];
  beforeAll(() => { restore = [size('clientHeight', 600), size('clientWidth', 900)]; });
  afterAll(() => restore.forEach((r) => r()));

  test('100,000 lines: only the visible rows are in the page', async () => {
    const big = Array.from({ length: 100_000 }, (_, i) => `line ${i + 1}`);
    render(<LogViewer executionId="e1" stages={['build']} stage="build" onStage={() => {}} source={memorySource({ build: big })} live={() => false} />);
    await waitFor(() => expect((document.querySelector('.pk-logs-body > div') as HTMLElement).style.height).toBe('2000000px'));
    const rows = document.querySelectorAll('.pk-log-line');
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.length).toBeLessThan(200);
    // the rows are positioned in a spacer as tall as all the lines
    expect((document.querySelector('.pk-logs-body > div') as HTMLElement).style.height).toBe('2000000px');
  });

  test('search highlights and filters; across all stages it loads the other logs', async () => {
    const source = memorySource({ build: ['compiling', 'needle in build', '\u001b[31merror: boom\u001b[0m'], test: ['needle in test', 'ok'] });
    render(<LogViewer executionId="e1" stages={['build', 'test']} stage="build" onStage={() => {}} source={source} live={() => false} />);
    await waitFor(() => expect(document.querySelectorAll('.pk-log-error').length).toBe(1));
    expect((document.querySelector('.pk-log-error .pk-log-text span') as HTMLElement).style.color).toBe('rgb(255, 123, 114)'); // ANSI red, readable on the log
    fireEvent.change(screen.getByLabelText('Search logs'), { target: { value: 'NEEDLE' } });
    await screen.findByText('1 match');
    expect([...document.querySelectorAll('.pk-log-line mark')].map((m) => m.textContent)).toEqual(['needle']);
    expect(source.calls).toEqual(['build@1']);
    fireEvent.click(screen.getByLabelText('all stages'));
    // the count says it is partial until the other stage's log is in
    expect(screen.getByText('1 match so far, loading logs…')).toBeTruthy();
    await screen.findByText('2 matches');
    expect(source.calls).toEqual(['build@1', 'test@1']);
    // interleaved by time: each stage's first line came at 10:00:00.000
    expect([...document.querySelectorAll('.pk-log-line .pk-log-stage')].map((m) => m.textContent)).toEqual(['test', 'build']);
    fireEvent.click(screen.getByLabelText('only matching'));
    await waitFor(() => expect(document.querySelectorAll('.pk-log-line').length).toBe(5));
  });

  test('a download that fails says so next to the button', async () => {
    const source = { ...memorySource({ build: ['a'] }), text: () => Promise.reject(new Error('execution e1 is gone')) };
    render(<LogViewer executionId="e1" stages={['build']} stage="build" onStage={() => {}} source={source} live={() => false} />);
    fireEvent.click(screen.getByRole('button', { name: 'Download' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Download failed: execution e1 is gone');
  });

  test('timestamps toggle; a bad regular expression is marked and filters nothing', async () => {
    render(<LogViewer executionId="e1" stages={['build']} stage="build" onStage={() => {}} source={memorySource({ build: ['a', 'b'] })} live={() => false} />);
    await waitFor(() => expect(document.querySelectorAll('.pk-log-line').length).toBe(2));
    expect(document.querySelector('.pk-log-time')).toBeNull();
    fireEvent.click(screen.getByLabelText('timestamps'));
    expect(document.querySelector('.pk-log-time')!.textContent).toBe('10:00:00.000');
    fireEvent.change(screen.getByLabelText('Search logs'), { target: { value: '/(/' } });
    await waitFor(() => expect(screen.getByLabelText('Search logs').className).toBe('pk-bad'));
    expect(document.querySelectorAll('.pk-log-line').length).toBe(2);
  });
});
