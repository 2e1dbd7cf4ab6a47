// The task's Node for an external agent's commands (task.yaml `node`, src/workspace/node-runtime.ts):
// the shell prelude that puts the task's Node first on PATH once the agent's own Node is noted, and
// the shell function a built-in preset's CLI is launched through, so the CLI runs on its own Node
// while every command it spawns (npm test, node -e …) finds the task's.
import { shellQuote } from '../core/shell-quote.ts';

/** Shell variable holding the Node an agent CLI runs on: the sandbox's `node` before the task's was put first. */
export const AGENT_NODE_VAR = 'FIXBENCH_AGENT_NODE';

/**
 * Lines run before an external agent's command: notes the sandbox's own `node` in
 * `$FIXBENCH_AGENT_NODE`, then puts `runtimeBin` (the task's Node `bin`) first on PATH.
 * Empty when the task names no Node version.
 */
export function taskRuntimePrelude(runtimeBin: string | undefined): string {
  if (!runtimeBin) return '';
  return `${AGENT_NODE_VAR}=$(command -v node)\nexport PATH=${shellQuote(runtimeBin)}:"$PATH"\n`;
}

/**
 * A shell function named `exe` that runs the CLI at `binPath` (a `node_modules/.bin` entry) on
 * `agentNode` (an absolute path) or, when null, on `$FIXBENCH_AGENT_NODE` (falling back to `node`):
 * a script starting `#!/usr/bin/env node` is handed to that Node; anything else (a native binary,
 * a shell script) is run as it is.
 */
export function agentCliFunction(exe: string, binPath: string, agentNode: string | null): string {
  const node = agentNode ? shellQuote(agentNode) : `"\${${AGENT_NODE_VAR}:-node}"`;
  const bin = shellQuote(binPath);
  return `${exe}() { if head -c 19 ${bin} | grep -qx '#!/usr/bin/env node'; then ${node} ${bin} "$@"; else ${bin} "$@"; fi; }`;
}
