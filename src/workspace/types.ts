// A workspace: a fresh checkout of a task's repository at `base_commit`.

export interface Workspace {
  /** Absolute path of the checkout (its git history ends at `base_commit`). */
  readonly dir: string;
  readonly baseCommit: string;
  /** Removes the checkout. Safe to call twice. */
  cleanup(): Promise<void>;
}
