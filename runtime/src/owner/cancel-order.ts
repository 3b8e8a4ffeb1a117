/**
 * The order a recursive `ray.cancel` visits a task tree in: every task the
 * root submitted (transitively) that still lives, descendants before their
 * ancestors (the reverse of a depth-first preorder), so a parent is cancelled
 * only after what it waits on. Walked with an explicit stack: nested tasks can
 * be nested deeper than the call stack.
 */
import type { TaskState } from "./task-state.js";

export function descendantsFirst(root: TaskState, live: (taskId: string) => TaskState | undefined): TaskState[] {
  const order: TaskState[] = [];
  const stack: TaskState[] = [root];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    order.push(next);
    if (next.children === undefined) continue;
    for (const child of next.children) {
      const c = live(child);
      if (c !== undefined) stack.push(c);
    }
  }
  return order.reverse();
}
