// The closing line of `fixbench run` started through npm in a CI job. npm (`npx fixbench`,
// `npm start`) runs fixbench under `sh -c` and does not pass a signal sent to npm's process alone on
// to fixbench: fixbench runs on and finishes, then npm exits 130 itself (measured with npm 11 and
// `kill -INT <npx pid>`: run.json `finished`, fixbench's exit 0, the job's 130). The line gives
// fixbench's own exit code so that a job log shows which of the two it is.

/**
 * `fixbench: exit <code> …` for `fixbench run` started through npm (`npm_command` or
 * `npm_lifecycle_event` set in `env`) whose stderr is not a terminal (`isTTY` false: a CI job, a
 * pipe); null otherwise: on a terminal Ctrl-C signals the whole foreground process group, fixbench
 * included, so the codes agree. `code`: the exit code fixbench is about to return (0–130).
 */
export function npmExitLine(code: number, env: NodeJS.ProcessEnv = process.env, isTTY: boolean = Boolean(process.stderr.isTTY)): string | null {
  if (isTTY || !(env.npm_command || env.npm_lifecycle_event)) return null;
  return `fixbench: exit ${code}, fixbench's own; started through npm, whose exit code a job sees: npm does not pass a signal sent to its process alone on to fixbench, and then exits 130 however the run ended (read run.json's status). Signal fixbench itself or its process group, or start it without npm (node_modules/.bin/fixbench, or node bin/fixbench.mjs in the clone): README § The command, exit codes`;
}
