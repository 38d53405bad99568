package org.pipelinekit.core.testing;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.pipelinekit.core.model.Pipeline;
import org.pipelinekit.core.model.Stage;

/**
 * A random directed graph for property tests: {@code n} nodes, forward edges {@code i → j} (i &lt; j)
 * that make a DAG, optional back edges that may close cycles, and a random order in which the
 * stages are listed so the pipeline's order says nothing about the graph.
 */
public record RandomDag(int n, List<int[]> edges, List<Integer> listing) {

  /** DAGs only. */
  public static Arbitrary<RandomDag> acyclic() {
    return graphs(false);
  }

  /** Graphs that may have cycles (back edges added to a DAG). */
  public static Arbitrary<RandomDag> withBackEdges() {
    return graphs(true);
  }

  private static Arbitrary<RandomDag> graphs(boolean backEdges) {
    return Arbitraries.integers().between(1, 24).flatMap(n -> {
      Arbitrary<List<Boolean>> forward = Arbitraries.frequency(
          net.jqwik.api.Tuple.of(1, true), net.jqwik.api.Tuple.of(4, false)).list().ofSize(n * n);
      Arbitrary<List<int[]>> back = backEdges
          ? Combinators.combine(Arbitraries.integers().between(0, n - 1), Arbitraries.integers().between(0, n - 1))
              .as((a, b) -> new int[] {Math.max(a, b), Math.min(a, b)}).list().ofMaxSize(3)
          : Arbitraries.just(List.of());
      List<Integer> ids = new ArrayList<>();
      for (int i = 0; i < n; i++) ids.add(i);
      return Combinators.combine(forward, back, Arbitraries.shuffle(ids)).as((f, b, order) -> {
        List<int[]> edges = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          for (int j = i + 1; j < n; j++) {
            if (f.get(i * n + j)) edges.add(new int[] {i, j});
          }
        }
        edges.addAll(b);
        return new RandomDag(n, edges, order);
      });
    });
  }

  public static String id(int node) {
    return "s" + node;
  }

  /** A pipeline with a shell stage per node; edge {@code a → b} means b needs a. */
  public Pipeline pipeline() {
    Pipeline.Builder b = Pipeline.draft("random");
    for (int node : listing) {
      Stage.Builder s = Stage.draft(id(node)).run("echo " + node);
      for (int[] e : edges) {
        if (e[1] == node) s.needs(id(e[0]));
      }
      b.stage(s.build());
    }
    return b.build();
  }

  /** reach[a][b]: b can be reached from a by one or more edges (distinct edges only). */
  public boolean[][] closure() {
    return closure(n, edges);
  }

  public static boolean[][] closure(int n, List<int[]> edges) {
    boolean[][] reach = new boolean[n][n];
    for (int[] e : edges) reach[e[0]][e[1]] = true;
    for (int k = 0; k < n; k++) {
      for (int i = 0; i < n; i++) {
        if (!reach[i][k]) continue;
        for (int j = 0; j < n; j++) {
          if (reach[k][j]) reach[i][j] = true;
        }
      }
    }
    return reach;
  }

  public boolean hasCycle() {
    boolean[][] reach = closure();
    for (int i = 0; i < n; i++) {
      if (reach[i][i]) return true;
    }
    return false;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("RandomDag[n=" + n + ", edges=");
    for (int[] e : edges) sb.append(e[0]).append("->").append(e[1]).append(' ');
    return sb.append(", listing=").append(listing).append(']').toString();
  }
}
