package dev.corral.fmf;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.function.Consumer;

/**
 * Runs a per-node step over a tree in pre-order, subtrees in parallel: a node's step completes before its
 * children's start. A failure is reported as a sequential pre-order walk would report it (the first one in
 * pre-order). Stateless.
 */
final class Subtrees {

    private Subtrees() {
    }

    /** A pool for one tree operation; callers shut it down. */
    static ForkJoinPool pool() {
        return new ForkJoinPool(Math.max(2, Runtime.getRuntime().availableProcessors()));
    }

    static void preorder(Node root, Consumer<Node> step, ForkJoinPool pool) {
        Task task = new Task(root, step);
        pool.invoke(task);
        if (task.error != null) {
            throw task.error;
        }
    }

    private static final class Task extends RecursiveAction {
        private final Node node;
        private final Consumer<Node> step;
        private RuntimeException error;

        Task(Node node, Consumer<Node> step) {
            this.node = node;
            this.step = step;
        }

        @Override
        protected void compute() {
            try {
                step.accept(node);
            } catch (RuntimeException e) {
                error = e;
                return;
            }
            if (node.children.isEmpty()) {
                return;
            }
            List<Task> tasks = new ArrayList<>(node.children.size());
            for (Node child : node.children.values()) {
                tasks.add(new Task(child, step));
            }
            invokeAll(tasks);
            for (Task task : tasks) {
                if (task.error != null) {
                    error = task.error;
                    return;
                }
            }
        }
    }
}
