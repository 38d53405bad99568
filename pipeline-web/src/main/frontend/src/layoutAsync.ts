import { layout } from './model';

/** Below this many stages the layout is quick enough to run on the page's thread. */
const WORKER_FROM = 80;

/** {@link layout} off the page's thread (a module worker) for big pipelines; on it where there are no workers (tests). */
export function layoutAsync<N extends { id: string; position: { x: number; y: number } }>(nodes: N[], edges: Array<{ source: string; target: string }>): Promise<N[]> {
  if (typeof Worker === 'undefined' || nodes.length < WORKER_FROM) return Promise.resolve(layout(nodes, edges));
  return new Promise((resolve) => {
    const worker = new Worker(new URL('./layout.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<Array<{ x: number; y: number }>>) => {
      worker.terminate();
      resolve(nodes.map((n, i) => ({ ...n, position: e.data[i] })));
    };
    worker.onerror = () => {
      worker.terminate();
      resolve(layout(nodes, edges));
    };
    worker.postMessage({ nodes: nodes.map((n) => ({ id: n.id, position: n.position })), edges: edges.map((e) => ({ source: e.source, target: e.target })) });
  });
}
