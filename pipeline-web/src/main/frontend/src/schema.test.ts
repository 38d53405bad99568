import { fieldsFor, formatValue, parseValue, type StageTypeJson } from './schema';

const gitClone: StageTypeJson = {
  id: 'git-clone', name: 'Git Clone', category: 'source', description: '', acceptsSteps: false,
  inputs: [
    { name: 'repository', required: true, description: 'Repository URL', schema: { type: 'url' } },
    { name: 'depth', required: false, description: 'Commits', default: 1, schema: { type: 'integer' } },
    { name: 'submodules', required: false, description: '', default: false, schema: { type: 'boolean' } },
    { name: 'method', required: false, description: '', default: 'GET', schema: { type: 'choice', options: ['GET', 'POST'] } },
    { name: 'tags', required: true, description: '', schema: { type: 'list', items: { type: 'string' } } },
    { name: 'build_args', required: false, description: '', schema: { type: 'map' } },
    { name: 'services', required: false, description: '', schema: { type: 'list', items: { type: 'object', fields: [] } } },
  ],
  outputs: [],
};

test('each input becomes a typed field, required ones marked, defaults as placeholders', () => {
  const f = fieldsFor(gitClone);
  expect(f.map((x) => [x.name, x.kind, x.required, x.placeholder])).toEqual([
    ['repository', 'text', true, ''],
    ['depth', 'number', false, '1'],
    ['submodules', 'checkbox', false, 'false'],
    ['method', 'select', false, 'GET'],
    ['tags', 'list', true, ''],
    ['build_args', 'map', false, ''],
    ['services', 'json', false, ''],
  ]);
  expect(f[3].options).toEqual(['GET', 'POST']);
});

test('form text becomes typed values and back', () => {
  const f = Object.fromEntries(fieldsFor(gitClone).map((x) => [x.name, x]));
  expect(parseValue(f.depth, '5')).toBe(5);
  expect(parseValue(f.depth, '')).toBeUndefined();
  expect(parseValue(f.tags, 'a:1, b:2 ,')).toEqual(['a:1', 'b:2']);
  expect(parseValue(f.build_args, 'A=1\nB = two')).toEqual({ A: '1', B: 'two' });
  expect(parseValue(f.submodules, true)).toBe(true);
  expect(formatValue(f.tags, ['x', 'y'])).toBe('x, y');
  expect(formatValue(f.build_args, { A: '1' })).toBe('A=1');
  expect(formatValue(f.services, [{ name: 'db' }])).toBe('[{"name":"db"}]');
});
