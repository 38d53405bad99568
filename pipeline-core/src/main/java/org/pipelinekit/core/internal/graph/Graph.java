package org.pipelinekit.core.internal.graph;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;

/**
 * A directed graph over nodes {@code 0..n-1} in compressed sparse rows, with the algorithms the
 * validator and the planner need. Edges run upstream → downstream (a need → the stage needing it).
 * Every algorithm is iterative, so deep graphs cannot overflow the stack.
 */
public final class Graph {
  private final int n;
  private final int[] succStart;
  private final int[] succ;
  private final int[] predStart;
  private final int[] pred;

  private Graph(int n, int[] from, int[] to, int edges) {
    this.n = n;
    succStart = new int[n + 1];
    predStart = new int[n + 1];
    for (int e = 0; e < edges; e++) {
      succStart[from[e] + 1]++;
      predStart[to[e] + 1]++;
    }
    for (int i = 0; i < n; i++) {
      succStart[i + 1] += succStart[i];
      predStart[i + 1] += predStart[i];
    }
    succ = new int[edges];
    pred = new int[edges];
    int[] sfill = Arrays.copyOf(succStart, n);
    int[] pfill = Arrays.copyOf(predStart, n);
    for (int e = 0; e < edges; e++) {
      succ[sfill[from[e]]++] = to[e];
      pred[pfill[to[e]]++] = from[e];
    }
  }

  /** Collects edges, then builds the graph. */
  public static final class Builder {
    private final int n;
    private int[] from = new int[16];
    private int[] to = new int[16];
    private int edges;

    public Builder(int n) {
      this.n = n;
    }

    public Builder edge(int upstream, int downstream) {
      if (edges == from.length) {
        from = Arrays.copyOf(from, edges * 2);
        to = Arrays.copyOf(to, edges * 2);
      }
      from[edges] = upstream;
      to[edges] = downstream;
      edges++;
      return this;
    }

    public Graph build() {
      return new Graph(n, from, to, edges);
    }
  }

  public int size() {
    return n;
  }

  public int[] successors(int v) {
    return Arrays.copyOfRange(succ, succStart[v], succStart[v + 1]);
  }

  public int[] predecessors(int v) {
    return Arrays.copyOfRange(pred, predStart[v], predStart[v + 1]);
  }

  /** Kahn's algorithm, taking ready nodes in index order; empty when the graph has a cycle. */
  public Optional<int[]> topologicalOrder() {
    int[] indegree = new int[n];
    for (int v = 0; v < n; v++) indegree[v] = predStart[v + 1] - predStart[v];
    int[] queue = new int[n];
    int head = 0;
    int tail = 0;
    for (int v = 0; v < n; v++) {
      if (indegree[v] == 0) queue[tail++] = v;
    }
    while (head < tail) {
      int v = queue[head++];
      for (int i = succStart[v]; i < succStart[v + 1]; i++) {
        if (--indegree[succ[i]] == 0) queue[tail++] = succ[i];
      }
    }
    return tail == n ? Optional.of(queue) : Optional.empty();
  }

  /**
   * One concrete cycle per strongly connected component that has one (Tarjan's algorithm), each as
   * the nodes along it with the first repeated at the end: {@code [a, b, a]}.
   */
  public List<int[]> cycles() {
    int[] index = new int[n];
    int[] low = new int[n];
    Arrays.fill(index, -1);
    boolean[] onStack = new boolean[n];
    int[] stack = new int[n];
    int sp = 0;
    int[] callNode = new int[n];
    int[] callEdge = new int[n];
    int counter = 0;
    int[] component = new int[n];
    Arrays.fill(component, -1);
    int components = 0;
    List<int[]> cycles = new ArrayList<>();

    for (int root = 0; root < n; root++) {
      if (index[root] >= 0) continue;
      int depth = 0;
      callNode[0] = root;
      callEdge[0] = succStart[root];
      index[root] = low[root] = counter++;
      stack[sp++] = root;
      onStack[root] = true;
      while (depth >= 0) {
        int v = callNode[depth];
        if (callEdge[depth] < succStart[v + 1]) {
          int w = succ[callEdge[depth]++];
          if (index[w] < 0) {
            index[w] = low[w] = counter++;
            stack[sp++] = w;
            onStack[w] = true;
            depth++;
            callNode[depth] = w;
            callEdge[depth] = succStart[w];
          } else if (onStack[w]) {
            low[v] = Math.min(low[v], index[w]);
          }
          continue;
        }
        if (low[v] == index[v]) {
          int size = 0;
          int w;
          do {
            w = stack[--sp];
            onStack[w] = false;
            component[w] = components;
            size++;
          } while (w != v);
          if (size > 1 || hasEdge(v, v)) {
            cycles.add(cycleWithin(v, component, components));
          }
          components++;
        }
        depth--;
        if (depth >= 0) {
          int parent = callNode[depth];
          low[parent] = Math.min(low[parent], low[v]);
        }
      }
    }
    return cycles;
  }

  private boolean hasEdge(int v, int w) {
    for (int i = succStart[v]; i < succStart[v + 1]; i++) {
      if (succ[i] == w) return true;
    }
    return false;
  }

  /** A shortest cycle through {@code start} using only nodes of its component (breadth-first). */
  private int[] cycleWithin(int start, int[] component, int c) {
    if (hasEdge(start, start)) return new int[] {start, start};
    int[] parent = new int[n];
    Arrays.fill(parent, -2);
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    queue.add(start);
    parent[start] = -1;
    while (!queue.isEmpty()) {
      int v = queue.poll();
      for (int i = succStart[v]; i < succStart[v + 1]; i++) {
        int w = succ[i];
        if (component[w] != c) continue;
        if (w == start) {
          List<Integer> path = new ArrayList<>();
          for (int x = v; x != -1; x = parent[x]) path.add(x);
          int[] cycle = new int[path.size() + 1];
          for (int k = 0; k < path.size(); k++) cycle[k] = path.get(path.size() - 1 - k);
          cycle[path.size()] = start;
          return cycle;
        }
        if (parent[w] == -2) {
          parent[w] = v;
          queue.add(w);
        }
      }
    }
    throw new IllegalStateException("node " + start + " is in a strongly connected component without a cycle");
  }

  /**
   * The transitive reduction of an acyclic graph: for each node, the successors it must keep so
   * that every node reachable before stays reachable.
   *
   * <p>A successor {@code w} of {@code v} is redundant when another successor reaches it. Such a
   * path only passes nodes of a lower level than {@code w} (level: the longest chain of edges from a
   * source), so for each {@code v} the search takes its successors by rising level and explores
   * from those already seen only the nodes below the level of the one it tests. Pipelines, whose
   * needs mostly span one level, cost O(n + e); the worst case is O(n · e · log n) time, and
   * memory stays O(n + e).
   *
   * @param order a topological order of this graph
   */
  public int[][] transitiveReduction(int[] order) {
    int[] level = levels(order);
    int[] seen = new int[n];
    int epoch = 0;
    int[][] kept = new int[n][];
    java.util.PriorityQueue<int[]> frontier = new java.util.PriorityQueue<>((a, b) -> Integer.compare(a[0], b[0]));
    for (int v = 0; v < n; v++) {
      epoch++;
      frontier.clear();
      int degree = succStart[v + 1] - succStart[v];
      Integer[] byLevel = new Integer[degree];
      for (int k = 0; k < degree; k++) byLevel[k] = succ[succStart[v] + k];
      Arrays.sort(byLevel, (a, b) -> Integer.compare(level[a], level[b]));
      int[] keep = new int[degree];
      int count = 0;
      for (int w : byLevel) {
        while (!frontier.isEmpty() && frontier.peek()[0] < level[w]) {
          int u = frontier.poll()[1];
          for (int i = succStart[u]; i < succStart[u + 1]; i++) {
            int y = succ[i];
            if (seen[y] != epoch) {
              seen[y] = epoch;
              frontier.add(new int[] {level[y], y});
            }
          }
        }
        if (seen[w] == epoch) continue; // reached through another successor (or listed twice)
        keep[count++] = w;
        seen[w] = epoch;
        frontier.add(new int[] {level[w], w});
      }
      kept[v] = Arrays.copyOf(keep, count);
    }
    return kept;
  }

  /** The level of each node: the number of edges on the longest path from a source to it. */
  public int[] levels(int[] order) {
    int[] level = new int[n];
    for (int v : order) {
      for (int i = predStart[v]; i < predStart[v + 1]; i++) {
        level[v] = Math.max(level[v], level[pred[i]] + 1);
      }
    }
    return level;
  }

  /** Nodes from which {@code v} can be reached (not including v). */
  public BitSet ancestors(int v) {
    BitSet seen = new BitSet(n);
    int[] stack = new int[n];
    int sp = 0;
    stack[sp++] = v;
    while (sp > 0) {
      int x = stack[--sp];
      for (int i = predStart[x]; i < predStart[x + 1]; i++) {
        int p = pred[i];
        if (!seen.get(p)) {
          seen.set(p);
          stack[sp++] = p;
        }
      }
    }
    return seen;
  }

  /** The heaviest path through an acyclic graph, by node weights; the nodes in order. */
  public int[] longestPath(int[] order, long[] weight) {
    if (n == 0) return new int[0];
    long[] dist = new long[n];
    int[] via = new int[n];
    int best = order[0];
    for (int v : order) {
      long d = 0;
      int from = -1;
      for (int i = predStart[v]; i < predStart[v + 1]; i++) {
        int p = pred[i];
        if (from < 0 || dist[p] > d) {
          d = dist[p];
          from = p;
        }
      }
      dist[v] = d + weight[v];
      via[v] = from;
      if (dist[v] > dist[best]) best = v;
    }
    List<Integer> path = new ArrayList<>();
    for (int v = best; v != -1; v = via[v]) path.add(v);
    int[] result = new int[path.size()];
    for (int i = 0; i < result.length; i++) result[i] = path.get(path.size() - 1 - i);
    return result;
  }
}
