import { edgeId, graphToPipeline, layout, newStageId, pipelineToGraph, problemsByStage, withGenerated, wouldCreateCycle, type PipelineDoc } from './model';
import { layoutAsync } from './layoutAsync';

const doc: PipelineDoc = {
  pipelinekit: 1,
  id: 'ci',
  name: 'CI',
  triggers: [{ push: { branches: ['main'] } }],
  stages: [
    { id: 'checkout', type: 'git-clone', with: { repository: 'https://example.org/a.git' } },
    { id: 'build', needs: ['checkout'], steps: [{ run: 'make' }] },
    { id: 'lint', needs: ['checkout'], steps: [{ run: 'make lint' }] },
    { id: 'test', needs: ['build', 'lint'], retry: { limit: 2 }, steps: [{ run: 'make test' }] },
  ],
};

describe('model ↔ graph', () => {
  test('stages become nodes and needs become edges, and back to the same pipeline', () => {
    const { nodes, edges } = pipelineToGraph(doc);
    expect(nodes.map((n) => n.id)).toEqual(['checkout', 'build', 'lint', 'test']);
    expect(edges.map((e) => e.id).sort()).toEqual(['build->test', 'checkout->build', 'checkout->lint', 'lint->test']);
    expect(nodes[3].data.stage.needs).toBeUndefined();
    expect(graphToPipeline(doc, nodes, edges)).toEqual(doc);
  });

  test('a new edge becomes a need, a removed node takes its edges', () => {
    const { nodes, edges } = pipelineToGraph(doc);
    const more = [...edges, { id: edgeId('lint', 'build'), source: 'lint', target: 'build' }];
    expect(graphToPipeline(doc, nodes, more).stages[1].needs).toEqual(['checkout', 'lint']);
    const without = graphToPipeline(doc, nodes.filter((n) => n.id !== 'lint'), edges.filter((e) => e.source !== 'lint' && e.target !== 'lint'));
    expect(without.stages.map((s) => s.id)).toEqual(['checkout', 'build', 'test']);
    expect(without.stages[2].needs).toEqual(['build']);
  });
});

describe('cycle check while connecting', () => {
  const edges = [
    { source: 'a', target: 'b' },
    { source: 'b', target: 'c' },
    { source: 'a', target: 'd' },
  ];
  test('closing a loop is refused', () => {
    expect(wouldCreateCycle(edges, 'c', 'a')).toBe(true);
    expect(wouldCreateCycle(edges, 'b', 'a')).toBe(true);
    expect(wouldCreateCycle(edges, 'a', 'a')).toBe(true);
  });
  test('other connections are allowed', () => {
    expect(wouldCreateCycle(edges, 'd', 'c')).toBe(false);
    expect(wouldCreateCycle(edges, 'a', 'c')).toBe(false);
    expect(wouldCreateCycle([], 'x', 'y')).toBe(false);
  });
});

describe('layout', () => {
  test('a stage sits to the right of what it needs, parallel stages one above the other', () => {
    const { nodes } = pipelineToGraph(doc);
    const at = Object.fromEntries(nodes.map((n) => [n.id, n.position]));
    expect(at.build.x).toBeGreaterThan(at.checkout.x);
    expect(at.test.x).toBeGreaterThan(at.build.x);
    expect(at.build.x).toBe(at.lint.x);
    expect(at.build.y).not.toBe(at.lint.y);
  });
  test('500 stages lay out', () => {
    const nodes = Array.from({ length: 500 }, (_, i) => ({ id: `s${i}`, position: { x: 0, y: 0 } }));
    const edges = nodes.slice(10).map((n, i) => ({ source: nodes[i].id, target: n.id }));
    const laid = layout(nodes, edges);
    expect(new Set(laid.map((n) => `${n.position.x},${n.position.y}`)).size).toBe(500);
  });
});

test('new stage ids avoid taken ones', () => {
  expect(newStageId('git-clone', [])).toBe('git-clone');
  expect(newStageId('git-clone', ['git-clone', 'git-clone-2'])).toBe('git-clone-3');
});

test('validation problems are grouped by stage', () => {
  const by = problemsByStage([
    { path: 'stages.build.needs[0]', message: 'no stage x' },
    { path: 'stages.build.with.goals', message: 'bad' },
    { path: 'triggers[0]', message: 'odd' },
  ]);
  expect(by.get('build')).toEqual(['stages.build.needs[0]: no stage x', 'stages.build.with.goals: bad']);
  expect(by.get('')).toEqual(['triggers[0]: odd']);
});

describe('layout off the page thread', () => {
  test('without workers (here) layoutAsync lays out on the thread, the same as layout; unlaid graphs keep their order', async () => {
    const raw = pipelineToGraph(doc, false);
    expect(raw.nodes.every((n) => n.position.x === 0 && n.position.y === 0)).toBe(true);
    const laid = await layoutAsync(raw.nodes, raw.edges);
    expect(laid).toEqual(pipelineToGraph(doc).nodes);
  });
});

test('a need of a stage that is not in the pipeline is kept, not dropped, so the validator can name it', () => {
  const doc: PipelineDoc = { pipelinekit: 1, id: 'p', stages: [{ id: 'a', steps: [{ run: 'x' }] }, { id: 'b', needs: ['a', 'nope'], steps: [{ run: 'y' }] }] };
  const { nodes, edges } = pipelineToGraph(doc, false);
  expect(edges.map((e) => e.id)).toEqual(['a->b']);
  expect(graphToPipeline({ pipelinekit: 1, id: 'p', stages: [] }, nodes, edges).stages[1].needs).toEqual(['a', 'nope']);
  expect(graphToPipeline({ pipelinekit: 1, id: 'p', stages: [] }, nodes, []).stages[1].needs).toEqual(['nope']);
});

describe('stages generated at run time', () => {
  it('join the pipeline after its own stages, each once, with their needs as edges', () => {
    const doc: PipelineDoc = { pipelinekit: 1, id: 'p', stages: [{ id: 'plan', steps: [{ run: 'x' }] }, { id: 'report', needs: ['plan'], steps: [{ run: 'y' }] }] };
    const generated = [{ id: 'test-api', needs: ['plan'], steps: [{ run: 'a' }] }, { id: 'test-web', needs: ['plan'], steps: [{ run: 'b' }] }];
    const run = withGenerated(doc, [...generated, generated[0], { id: 'plan', steps: [] }]); // a replayed event, an id taken
    expect(run.stages.map((s) => s.id)).toEqual(['plan', 'report', 'test-api', 'test-web']);
    expect(pipelineToGraph(run).edges.map((e) => `${e.source}->${e.target}`)).toContain('plan->test-web');
    expect(withGenerated(doc, [])).toBe(doc);
  });
});
