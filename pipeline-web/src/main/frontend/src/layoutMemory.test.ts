import { recallLayout, rememberLayout } from './layoutMemory';

describe('layout memory', () => {
  beforeEach(() => localStorage.clear());

  test('the places of a pipeline\'s stages come back, rounded to pixels', () => {
    rememberLayout('ci', [{ id: 'build', position: { x: 10.4, y: 20.6 } }, { id: 'test', position: { x: 300, y: -40 } }]);
    expect(recallLayout('ci', ['build', 'test'])).toEqual(new Map([['build', { x: 10, y: 21 }], ['test', { x: 300, y: -40 }]]));
    // a stage removed since is simply not asked for
    expect(recallLayout('ci', ['test'])?.get('test')).toEqual({ x: 300, y: -40 });
    expect(recallLayout('other', ['build'])).toBeNull();
  });

  test('a stage without a place, or a damaged entry, means laying out afresh', () => {
    rememberLayout('ci', [{ id: 'build', position: { x: 1, y: 2 } }]);
    expect(recallLayout('ci', ['build', 'deploy'])).toBeNull();
    localStorage.setItem('pipelinekit.layout.ci', '{not json');
    expect(recallLayout('ci', ['build'])).toBeNull();
    localStorage.setItem('pipelinekit.layout.ci', JSON.stringify({ build: ['a', 2] }));
    expect(recallLayout('ci', ['build'])).toBeNull();
    expect(recallLayout('ci', [])).toBeNull();
  });
});
