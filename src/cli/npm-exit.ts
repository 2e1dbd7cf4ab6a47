// The closing line of `fixbench run` started through npm in a CI job. npm (`npx fixbench`,
// `npm start`) runs fixbench under `sh -c` and does not pass a signal sent to npm's process alone on
// to fixbench: fixbench runs on and finishes, then npm exits 130 itself (measured with npm 11 and
// `kill -INT <npx pid>`: run.json `finished`, fixbench's exit 0, the job's 130). The line gives
// fixbench's own exit code so that a job log shows which of the two it is.

/** `argv`'s command: its first word not starting with `-` (the program's own options take no value). */
function commandOf(argv: readonly string[]): string | undefined {
  return argv.find((a) => !a.startsWith('-'));
}

/**
 * `fixbench: exit <code> (…)` for `fixbench run` started through npm (`npm_command` or
 * `npm_lifecycle_event` set in `env`) whose stderr is not a terminal (`isTTY` false: a CI job, a
 * pipe), whatever ended it (an early input error included); null otherwise: for another command,
 * `run --dry-run` (it runs nothing to signal), `run --help`, and on a terminal, where Ctrl-C
 * signals the whole foreground process group, fixbench included, so the codes agree.
 * `argv`: the command line without node and script; `code`: the exit code fixbench returns (0–130).
 */
export function npmExitLine(argv: readonly string[], code: number, env: NodeJS.ProcessEnv = process.env, isTTY: boolean = Boolean(process.stderr.isTTY)): string | null {
  if (isTTY || !(env.npm_command || env.npm_lifecycle_event)) return null;
  const options = argv.slice(0, argv.includes('--') ? argv.indexOf('--') : argv.length);
  if (commandOf(argv) !== 'run' || options.some((a) => a === '--dry-run' || a === '--help' || a === '-h')) return null;
  return `fixbench: exit ${code} (fixbench's own; npm may report 130 when it alone was signalled: README § The command, exit codes)`;
}
