import fc from 'fast-check';
import { wouldCreateCycle } from './model';

/** Reachability by transitive closure (Floyd–Warshall): an oracle written differently from the search in wouldCreateCycle. */
function reaches(n: number, edges: Array<[number, number]>): boolean[][] {
  const r = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => i === j));
  for (const [a, b] of edges) r[a][b] = true;
  for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) if (r[i][k]) for (let j = 0; j < n; j++) if (r[k][j]) r[i][j] = true;
  return r;
}

const dag = fc.integer({ min: 1, max: 14 }).chain((n) => fc.record({
  n: fc.constant(n),
  // kept only from lower to higher numbers (below): always acyclic
  pairs: fc.uniqueArray(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 40, selector: ([a, b]) => `${a}-${b}` }),
  from: fc.nat(n - 1),
  to: fc.nat(n - 1),
}));

describe('the cycle check while connecting (property)', () => {
  test('a new need from → to is refused exactly when to already reaches from (or they are the same stage)', () => {
    fc.assert(fc.property(dag, ({ n, pairs, from, to }) => {
      const edges = pairs.filter(([a, b]) => a < b);
      const named = edges.map(([a, b]) => ({ source: `s${a}`, target: `s${b}` }));
      expect(wouldCreateCycle(named, `s${from}`, `s${to}`)).toBe(reaches(n, edges)[to][from]);
    }), { numRuns: 500 });
  });

  test('adding only the connections it allows keeps every graph acyclic', () => {
    fc.assert(fc.property(fc.integer({ min: 2, max: 10 }).chain((n) => fc.tuple(fc.constant(n), fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 60 }))),
      ([n, attempts]) => {
        const kept: Array<[number, number]> = [];
        for (const [a, b] of attempts) {
          if (!wouldCreateCycle(kept.map(([x, y]) => ({ source: `s${x}`, target: `s${y}` })), `s${a}`, `s${b}`)) kept.push([a, b]);
        }
        const r = reaches(n, kept);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) expect(r[i][j] && r[j][i]).toBe(false);
      }), { numRuns: 300 });
  });
});
