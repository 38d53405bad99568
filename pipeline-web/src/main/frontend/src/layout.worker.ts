/** Lays out in a worker, so a big pipeline does not freeze the page while dagre runs. */
import { layout } from './model';

self.onmessage = (e: MessageEvent<{ nodes: Array<{ id: string; position: { x: number; y: number } }>; edges: Array<{ source: string; target: string }> }>) => {
  self.postMessage(layout(e.data.nodes, e.data.edges).map((n) => n.position));
};
