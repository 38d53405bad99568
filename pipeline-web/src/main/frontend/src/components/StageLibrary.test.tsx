import { fireEvent, render, screen, within } from '@testing-library/react';
import type { StageTypeJson } from '../schema';
import { DRAG_TYPE, StageLibrary } from './StageLibrary';

const type = (id: string, category: string, description = `${id} things`): StageTypeJson => ({
  id, name: id.replace(/-/g, ' '), category, description, acceptsSteps: id === 'shell', inputs: [], outputs: [],
});
const TYPES = [type('slack', 'notify'), type('shell', 'build'), type('git-clone', 'source'), type('unit-tests', 'test'),
  type('sast', 'security'), type('deploy-edge', 'deploy'), type('custom-thing', 'other', 'a plugin type')];

describe('StageLibrary', () => {
  test('groups the types by category in the pipeline order: source, build, test, security, deploy, notify, then the rest', () => {
    render(<StageLibrary types={TYPES} onAdd={() => {}} />);
    expect(screen.getAllByRole('heading').map((h) => h.textContent)).toEqual(['source', 'build', 'test', 'security', 'deploy', 'notify', 'other']);
  });

  test('search filters by id, name, description or category', () => {
    render(<StageLibrary types={TYPES} onAdd={() => {}} />);
    fireEvent.change(screen.getByLabelText('Search stages'), { target: { value: 'PLUGIN' } });
    expect(screen.getAllByRole('button').map((b) => b.getAttribute('data-stage-type'))).toEqual(['custom-thing']);
    fireEvent.change(screen.getByLabelText('Search stages'), { target: { value: 'deploy' } });
    expect(screen.getAllByRole('button').map((b) => b.getAttribute('data-stage-type'))).toEqual(['deploy-edge']);
    fireEvent.change(screen.getByLabelText('Search stages'), { target: { value: 'kubernetes' } });
    expect(screen.getByText(/No stage type matches/)).toBeTruthy();
  });

  test('dragging carries the type id; Enter and double-click add without dragging', () => {
    const added: string[] = [];
    render(<StageLibrary types={TYPES} onAdd={(t) => added.push(t)} />);
    const item = screen.getByText('shell').closest('[data-stage-type]')!;
    const data = new Map<string, string>();
    fireEvent.dragStart(item, { dataTransfer: { setData: (k: string, v: string) => data.set(k, v), effectAllowed: '' } });
    expect(data.get(DRAG_TYPE)).toBe('shell');
    fireEvent.keyDown(item, { key: 'Enter' });
    fireEvent.doubleClick(within(screen.getByText('git clone').closest('[data-stage-type]') as HTMLElement).getByText('git clone'));
    expect(added).toEqual(['shell', 'git-clone']);
  });
});
