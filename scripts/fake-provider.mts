// `npm run fake-provider`: an offline stand-in for a model provider, to try a model run without a
// key. It serves the OpenAI Chat Completions and Anthropic Messages APIs on 127.0.0.1 (the test
// suite's fake provider, test/helpers/fake-provider.ts: one owner of the protocol) and answers as a
// scripted agent: on its first turn it applies the reference fix (gold.patch) of the task whose
// problem statement the prompt holds, then submits. It measures nothing about any model: it shows
// what a model run writes (records, trajectories, costs, the report). Runs until Ctrl-C or SIGTERM.
// A prompt holding no problem statement it knows makes it read its tasks folder again (a task added
// since it started), then, still unknown, answer an HTTP 400 whose message says so and names
// `--tasks`: the attempt records it (an infra error, shown on the run's progress line), never a silent
// empty patch graded as the model's failure.
//
// Usage: npm run fake-provider [-- --port <n>] [--tasks <dir>]
//   --port   port on 127.0.0.1 (default 18080, the one examples/fake-provider/models.yaml names; 0: any free port)
//   --tasks  the task folder whose problem statements and gold patches it knows (default: the bundled tasks/;
//            your own tasks, e.g. made by `fixbench tasks create --tasks my-tasks`: pass that folder)
// Prints `fake provider: listening on http://127.0.0.1:<port>/v1` on stdout once it listens, then one line
// per request on stderr. Exit 2 on a bad flag or a port in use.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { bashBlock, errorReply, startFakeProvider, toolCall, type FakeReply, type FakeRequest } from '../test/helpers/fake-provider.ts';

export const DEFAULT_PORT = 18080;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** A task the fake agent can fix: its id, its problem statement (whitespace folded) and its gold.patch. */
interface KnownTask {
  id: string;
  statement: string;
  gold: string;
}

const fold = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** Every task folder under `dir` with a problem_statement.md and a gold.patch. */
function knownTasks(dir: string): KnownTask[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(path.join(dir, e.name, 'problem_statement.md')) && existsSync(path.join(dir, e.name, 'gold.patch')))
    .map((e) => ({ id: e.name, statement: fold(readFileSync(path.join(dir, e.name, 'problem_statement.md'), 'utf8')), gold: readFileSync(path.join(dir, e.name, 'gold.patch'), 'utf8') }));
}

/** The text of a chat message's content (a string, or OpenAI / Anthropic content parts). */
const textOf = (content: unknown): string =>
  typeof content === 'string' ? content : Array.isArray(content) ? content.map((p) => (typeof p?.text === 'string' ? p.text : typeof p?.content === 'string' ? p.content : '')).join('\n') : '';

/**
 * The command of the fake agent's next turn (`turn`: assistant messages so far): on the first, the
 * gold.patch of the task whose problem statement the user messages hold (the longest such), applied
 * with git apply or GNU patch; after it, the submission. `says`: the turn in a few words, for the log.
 * `command` is null on a first turn whose prompt holds no known statement (the caller answers an error).
 */
export function nextCommand(req: FakeRequest, tasks: readonly KnownTask[]): { command: string | null; says: string; task: string | null; turn: number } {
  const messages: Array<{ role?: string; content?: unknown }> = Array.isArray(req.body?.messages) ? req.body.messages : [];
  const turn = messages.filter((m) => m.role === 'assistant').length;
  const prompt = fold(messages.filter((m) => m.role === 'user').map((m) => textOf(m.content)).join('\n'));
  // the longest statement the prompt holds (one task's statement may begin another's)
  const task = tasks.filter((t) => t.statement && prompt.includes(t.statement)).sort((a, b) => b.statement.length - a.statement.length)[0] ?? null;
  if (turn > 0) return { command: 'echo FIXBENCH_SUBMIT', says: 'submits', task: task?.id ?? null, turn };
  if (!task) return { command: null, says: 'knows no such task', task: null, turn };
  // The patch goes to a file outside the work tree (it would be part of the diff otherwise), named by the
  // shell's pid (attempts run at once without a sandbox share /tmp), then git apply, else GNU patch.
  const file = '"${TMPDIR:-/tmp}/fake-provider-fix-$$.patch"';
  return { command: `cat > ${file} <<'FAKE_PROVIDER_PATCH'\n${task.gold.replace(/\n?$/, '\n')}FAKE_PROVIDER_PATCH\n(git apply ${file} 2>/dev/null || patch -p1 --forward < ${file}) && rm -f ${file} && git status --short`, says: `applies ${task.id}'s gold.patch`, task: task.id, turn };
}

async function main(): Promise<void> {
  let values: { port?: string; tasks?: string; help?: boolean };
  try {
    ({ values } = parseArgs({ options: { port: { type: 'string' }, tasks: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (e) {
    process.stderr.write(`fake provider: ${(e as Error).message}\n  usage: npm run fake-provider [-- --port <n>] [--tasks <dir>]\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write('usage: npm run fake-provider [-- --port <n>] [--tasks <dir>]\n  --port   port on 127.0.0.1 (default 18080; 0: any free port)\n  --tasks  task folder (default: the bundled tasks/)\n');
    return;
  }
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`fake provider: --port ${values.port}: not a port number (0–65535)\n`);
    process.exit(2);
  }
  const dir = path.resolve(values.tasks ?? path.join(ROOT, 'tasks'));
  if (!existsSync(dir)) {
    process.stderr.write(`fake provider: --tasks ${dir}: no such folder\n`);
    process.exit(2);
  }
  let tasks = knownTasks(dir);
  const script = (req: FakeRequest, index: number): FakeReply => {
    let next = nextCommand(req, tasks);
    if (next.command === null) {
      tasks = knownTasks(dir); // a task added to the folder since it started
      next = nextCommand(req, tasks);
    }
    const { command, says, task, turn } = next;
    process.stderr.write(`fake provider: #${index + 1} ${req.path} ${task ?? '(unknown task)'} turn ${turn + 1}: ${says}\n`);
    if (command === null) {
      // the fix first: the run's progress line shows the first 160 characters of the error
      const message = `fake provider: task not in its tasks folder; restart it with npm run fake-provider -- --tasks <dir> (it reads ${dir}: ${tasks.length} task${tasks.length === 1 ? '' : 's'})`;
      return errorReply(400, { message, type: 'invalid_request_error' });
    }
    return Array.isArray(req.body?.tools) && req.body.tools.length ? toolCall('bash', { command }) : bashBlock(command);
  };
  const server = await startFakeProvider(script, { port }).catch((e: NodeJS.ErrnoException) => {
    process.stderr.write(`fake provider: cannot listen on 127.0.0.1:${port}: ${e.code ?? e.message}${e.code === 'EADDRINUSE' ? ' (another process holds it: stop it, or pass --port <n> and put that port in your models file)' : ''}\n`);
    process.exit(2);
  });
  process.stdout.write(`fake provider: listening on ${server.baseURL} (${tasks.length} task${tasks.length === 1 ? '' : 's'} of ${dir}); Ctrl-C stops it\n`);
  const stop = (): void => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
