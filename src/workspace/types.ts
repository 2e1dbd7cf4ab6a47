// A workspace: a fresh checkout of a task's repository at `base_commit`, and fixbench's own git
// directory for it.

export interface Workspace {
  /** Absolute path of the checkout (its git history ends at `base_commit`). */
  readonly dir: string;
  /**
   * fixbench's own git directory for the checkout, outside it (`HostRepo.gitDir`): the only one
   * host-side git reads. The checkout's `.git` is the agent's.
   */
  readonly gitDir: string;
  readonly baseCommit: string;
  /**
   * Removes the checkout, also folders its commands locked (`createWorkspace`'s: `removeTree`, which
   * never throws). Safe to call twice. A rejection is the host's failure, never the agent's.
   */
  cleanup(): Promise<void>;
}
