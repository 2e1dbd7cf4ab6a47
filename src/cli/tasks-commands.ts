// Registers `tasks lint | validate | create | import | export` and `eval` on the program. Each
// command's code is imported when it runs, so `--help` stays fast.
import { Option, type Command } from 'commander';
import { SANDBOX_CHOICES } from '../sandbox/types.ts';
import { list, positiveInt } from './args.ts';
import { commandPrefix } from './hints.ts';

/**
 * `--sandbox`, its help ending with what `auto` does without bwrap for this command (`fallback`):
 * validating the bundled tasks falls back to local; building a task or grading predictions never does.
 */
const sandboxOption = (fallback = 'a task being built is untrusted (its repository\'s setup and tests run), so auto never falls back to local') =>
  new Option('--sandbox <kind>', `where setup and tests run: bwrap (isolated), local (not isolated), or auto (bwrap when usable; else exit 2 with the fix for this host, see \`fixbench doctor\`; ${fallback})`).choices(SANDBOX_CHOICES).default('auto');

// The options `tasks create`, `mine` and `fetch` share, defined once so their help and defaults agree.
const testCmdOption = () => new Option('--test-cmd <cmd>', 'the plain command that runs the tests, as you type it (test_cmd; default: "npm test" when package.json has a test script)');
const testReportOption = () =>
  new Option('--test-report <kind>', 'how to read per-test results: auto (detect the runner from the command: vitest, jest, mocha, tape, node:test, uvu, ava, node-tap, jasmine, karma; fixbench adds the report), a runner name, junit:<path>, vitest-json:<path>, jest-json:<path>, mocha-json:<path>, tap or exit-code').default('auto');
const setupOption = () => new Option('--setup <cmd>', 'install command run before the tests (setup), e.g. "npm ci"').default('');
const testFilesOption = () =>
  new Option('--test-files <globs>', 'globs of test files (comma-separated; repeatable; default: test/, tests/, __tests__/, spec/ folders and *.test.*, *.spec.*, test_*.py, *_test.py, conftest.py, *_test.go)').argParser(list);
const timeoutOption = () => new Option('--timeout <seconds>', 'timeout_s of the test command').default(300).argParser(positiveInt);
const writeTasksOption = () => new Option('--tasks <dir>', 'folder to write the tasks into, created when missing (required: the bundled tasks/ is the shipped suite; tasks you add anywhere are not trusted and run only in the sandbox)');
const bundleNameOption = () => new Option('--bundle-name <name>', 'file name of the bundle under <tasks>/repos/ (default: the repository name; no "/": see --upstream)');
const noBundleOption = () => new Option('--no-bundle', 'write no bundle; task.yaml names the repository as given');
const upstreamOption = () => new Option('--upstream <owner/name>', 'the public repository, kept as swe_bench.repo for `tasks export` (default: from a GitHub URL --repo or the clone\'s origin remote)');
const cacheDirOption = () => new Option('--cache-dir <dir>', 'environment cache of setups, shared with validate and run (default: $FIXBENCH_CACHE_DIR, else $XDG_CACHE_HOME/fixbench, else ~/.cache/fixbench)');
const noEnvCacheOption = () => new Option('--no-env-cache', 'run setup afresh before each test run instead of restoring it from the environment cache');

export function registerTaskCommands(program: Command, tasks: Command, exit: { code: number }): void {
  tasks
    .command('lint')
    .description(
      'Check the structure of every task at once, each problem with its file and field: the four files present, task.yaml valid ' +
        '(instance_id equal to its folder, FAIL_TO_PASS non-empty, test ids well formed), patches are unified diffs, repo and ' +
        'base_commit resolvable, both patches apply. Warns (without failing) about tasks whose results are unprotected: graded ' +
        'without canary tests (test_report exit-code, or no test file in test.patch to hold them). Exit 2 when there is any problem.',
    )
    .argument('[ids...]', 'only these instance_ids')
    .option('--tasks <dir>', 'folder of task fixtures (default: the bundled tasks/)')
    .option('--json', 'print the problems as JSON')
    .action(async (ids: string[], opts) => {
      exit.code = await (await import('./tasks-check.ts')).tasksLintCommand(ids, opts);
    });

  tasks
    .command('validate')
    .description(
      'SWE-bench-style validation, after lint: with test.patch alone every FAIL_TO_PASS test fails or is absent and every ' +
        'PASS_TO_PASS test passes (noop resolves nothing); with gold.patch + test.patch every listed test passes; the whole check ' +
        'repeated --runs times, a test whose results differ reported as flaky with its runs. Runs setup and the real tests. ' +
        'Writes the report (JSON, and a table beside it as .txt), prints the elapsed time; exit 3 when any task is invalid.',
    )
    .argument('[ids...]', 'only these instance_ids')
    .option('--tasks <dir>', 'folder of task fixtures (default: the bundled tasks/)')
    .addOption(new Option('--runs <n>', 'repetitions of the whole check').default(3).argParser(positiveInt))
    .addOption(new Option('--concurrency <n>', 'tasks validated at once').default(2).argParser(positiveInt))
    .option('--reports <dir>', 'reports folder, as run and eval take it; the report is <dir>/tasks-validation.json', 'reports')
    .option('--report <file>', 'validation report (JSON; default: <reports>/tasks-validation.json); the table goes beside it with .txt')
    .option('--cache-dir <dir>', 'environment cache of task setups, shared with `fixbench run` (default: $FIXBENCH_CACHE_DIR, else $XDG_CACHE_HOME/fixbench, else ~/.cache/fixbench)')
    .option('--no-env-cache', 'run setup afresh in every evaluation instead of restoring it from the environment cache')
    .addOption(sandboxOption('only validating the bundled tasks falls back to local'))
    .option('--json', 'print the report as JSON instead of the table')
    .action(async (ids: string[], opts) => {
      exit.code = await (await import('./tasks-check.ts')).tasksValidateCommand(ids, opts);
    });

  tasks
    .command('create')
    .description(
      'Create a task from any git repository (path or URL) and a fix (a commit, or a patch file against --base): split the fix ' +
        'into gold.patch (source) and test.patch (files matching --test-files), run the tests before and after the fix to compute ' +
        'FAIL_TO_PASS and PASS_TO_PASS, write <tasks>/repos/<name>.bundle (history up to --base only) and <tasks>/<id>/. Every flag, ' +
        'the repository and both commits are checked before any test runs, and the task is linted before it is written: on any ' +
        'failure nothing is written (exit 2). Prints counts, the FAIL_TO_PASS ids and warnings (--verbose: every id). --tasks is ' +
        'required: the bundled tasks/ is the shipped suite (a task written there fails its manifest test, and refreshing the ' +
        'manifest would mark your task trusted).',
    )
    .addHelpText('after', () => ((fb) => `\nExample:\n  ${fb} tasks create --tasks my-tasks --repo ../mylib --base <sha> --fix <sha> --setup 'npm ci' --id mylib-1\n  ${fb} tasks validate --tasks my-tasks mylib-1\n  ${fb} run --tasks my-tasks --task mylib-1\n`)(commandPrefix()))
    .requiredOption('--repo <path|url>', 'the git repository (local path, bundle or URL)')
    .requiredOption('--base <sha>', 'base commit: the state before the fix')
    .requiredOption('--fix <sha|patch-file>', 'a commit holding the fix and its tests, or a patch file against --base')
    .addOption(testCmdOption())
    .addOption(testReportOption())
    .addOption(setupOption())
    .option('--issue <file.md>', 'the problem statement (default: the fix commit message)')
    .option('--id <instance_id>', 'instance_id (default: <repo name>-<first 7 of the fix sha or base>)')
    .addOption(testFilesOption())
    .addOption(timeoutOption())
    .addOption(new Option('--runs <n>', 'test runs before and after; their lists must agree').default(1).argParser(positiveInt))
    .addOption(writeTasksOption())
    .addOption(bundleNameOption())
    .addOption(noBundleOption())
    .addOption(upstreamOption())
    .option('--force', 'replace an existing task folder')
    .option('--allow-duplicate', 'write the task although another task of --tasks has the same base_commit and fix (refused by default, before any test runs; one with only the same gold.patch is written with a warning)')
    .option('--verbose', 'print every PASS_TO_PASS id too (default: counts and the FAIL_TO_PASS ids)')
    .addOption(cacheDirOption())
    .addOption(noEnvCacheOption())
    .addOption(sandboxOption())
    .action(async (opts) => {
      exit.code = await (await import('./tasks-create.ts')).tasksCreateCommand(opts);
    });

  tasks
    .command('mine')
    .description(
      'Tasks from a repository\'s history: every commit (first parent, no merges) that changes source and test files together ' +
        'is a candidate; each is built as `tasks create` builds a task (parent = base_commit, commit = fix, problem statement = ' +
        'its message), refused when no test fails before the fix or when FAIL_TO_PASS is longer than --max-fail-to-pass (a ' +
        'refactor), validated --runs times as `tasks validate` does, and written only when valid (created_at = the commit\'s ' +
        'date). A commit whose base_commit and fix a task of the suite already holds is `exists`, whatever its id. Writes a ' +
        'report of every candidate with its verdict and reason (JSON, and a table beside it as .txt). Exit 3 when no task was kept.',
    )
    .requiredOption('--repo <path|url>', 'the git repository (local path, bundle or URL)')
    .addOption(testCmdOption())
    .addOption(testReportOption())
    .addOption(setupOption())
    .option('--ref <rev>', 'the branch or commit whose history is walked', 'HEAD')
    .option('--since <date>', 'only commits made on or after this date (git log --since)')
    .option('--created-after <date>', 'only fix commits dated strictly after this ISO date (a model\'s training cutoff: the contamination window)')
    .addOption(new Option('--max <n>', 'stop after this many valid tasks').argParser(positiveInt))
    .addOption(new Option('--max-fail-to-pass <n>', 'a candidate with more FAIL_TO_PASS tests is a refactor or a feature, not a bug fix').default(20).argParser(positiveInt))
    .addOption(new Option('--runs <n>', 'validation runs of each candidate (as tasks validate)').default(3).argParser(positiveInt))
    .addOption(testFilesOption())
    .addOption(timeoutOption())
    .addOption(writeTasksOption())
    .option('--reports <dir>', 'reports folder; the report is <dir>/tasks-mine.json', 'reports')
    .option('--report <file>', 'the report of every candidate (JSON; default: <reports>/tasks-mine.json); the table goes beside it with .txt')
    .addOption(bundleNameOption())
    .addOption(noBundleOption())
    .addOption(upstreamOption())
    .option('--force', 'rebuild candidates whose task folder exists (a task of another id with the same base_commit and fix is never duplicated)')
    .addOption(cacheDirOption())
    .addOption(noEnvCacheOption())
    .addOption(sandboxOption())
    .action(async (opts) => {
      exit.code = await (await import('./tasks-mine.ts')).tasksMineCommand(opts);
    });

  tasks
    .command('fetch')
    .description(
      'Build the tasks of a suite file of recipes (see recipes/): each names a public repository by URL, a base and a fix ' +
        'commit, the setup and the test command, never code or patch text. Each task is built here as `tasks create` builds it ' +
        '(clone, split the fix, run the tests before and after it, lint, write). A recipe that fails does not stop the others; ' +
        'exit 3 when one failed.',
    )
    .argument('<suite-file>', 'the suite file (YAML), e.g. recipes/js-bugfixes.yaml')
    .argument('[ids...]', 'only these instance_ids')
    .addOption(writeTasksOption())
    .option('--mirror <owner/name=path|url>', 'clone owner/name from this local path or URL instead of its recipe URL (repeatable)', (v: string, acc: string[] = []) => [...acc, v])
    .option('--mirrors <dir>', 'a folder of local mirrors: <dir>/<owner>+<name>[/repo] or <dir>/<owner>/<name> (repeatable)', (v: string, acc: string[] = []) => [...acc, v])
    .option('--force', 'rebuild tasks whose folder exists')
    .addOption(cacheDirOption())
    .addOption(noEnvCacheOption())
    .addOption(sandboxOption())
    .action(async (file: string, ids: string[], opts) => {
      exit.code = await (await import('./tasks-fetch.ts')).tasksFetchCommand(file, ids, opts);
    });

  tasks
    .command('import')
    .description(
      'Import SWE-bench instances (JSONL: repo, instance_id, base_commit, patch, test_patch, problem_statement, FAIL_TO_PASS, ' +
        'PASS_TO_PASS as JSON strings or lists, …) as task folders; fields task.yaml has no place for are kept under swe_bench. ' +
        'repo "owner/name" means https://github.com/owner/name, cloned into the repo cache now; --repo-dir names a local clone ' +
        'instead. How to run the tests (setup, test_cmd, test_report) comes from flags, a --spec file or the instance\'s own ' +
        '"fixbench" key. With --swe-bench-tasks, reads the per-instance folders SWE-bench Multimodal publishes (task.yaml, ' +
        'tests.json, gold.patch, test.patch, problem_statement.md, eval.sh, Dockerfile, problem_assets/): test_cmd defaults to ' +
        'eval.sh\'s test command and node to the Dockerfile\'s NODE_VERSION, and the other files travel with the task. ' +
        'Nothing is written unless every instance imports.',
    )
    .option('--swe-bench <file.jsonl>', 'SWE-bench instances, one JSON object per line')
    .option('--swe-bench-tasks <folder>', 'a SWE-bench task folder (task.yaml + tests.json + …) or a folder of them')
    .addOption(writeTasksOption())
    .option('--spec <file.yaml>', 'per-repo run spec: "owner/name" (or "*") → setup, test_cmd, test_report, timeout_s')
    .option('--setup <cmd>', 'setup for every instance (wins over --spec)')
    .option('--test-cmd <cmd>', 'test_cmd for every instance (wins over --spec)')
    .option('--test-report <kind>', 'test_report for every instance (wins over --spec)')
    .addOption(new Option('--timeout <seconds>', 'timeout_s for every instance').argParser(positiveInt))
    .option('--repo-dir <owner/name=path>', 'use a local clone or bundle for a repository ("path" alone: for every repository; repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--force', 'replace existing task folders')
    .option(
      '--compute-pass-to-pass',
      'after importing, run gold once per task in the sandbox and write the tests it passes beyond FAIL_TO_PASS and PASS_TO_PASS as strict_pass_to_pass: ' +
        'graded as a stricter variant (resolved_strict), never part of the SWE-bench score; exit 3 when gold does not resolve a task',
    )
    .addOption(sandboxOption())
    .action(async (opts) => {
      exit.code = await (await import('./tasks-swe.ts')).tasksImportCommand(opts);
    });

  tasks
    .command('export')
    .description(
      'Write tasks as SWE-bench instances (JSONL, FAIL_TO_PASS/PASS_TO_PASS as JSON strings like the Hugging Face dataset), ' +
        'with the fields kept at import and, under "fixbench", how to run them; or, with --as gold-predictions, a predictions ' +
        'file of the gold patches.',
    )
    .argument('[ids...]', 'only these instance_ids')
    .option('--tasks <dir>', 'folder of task fixtures (default: the bundled tasks/)')
    .option('--out <file.jsonl|dir>', 'output file (default: stdout); the folder to write into with --as swe-bench-tasks')
    .addOption(new Option('--lists <form>', 'FAIL_TO_PASS/PASS_TO_PASS as JSON strings or arrays').choices(['json', 'array']).default('json'))
    .option('--no-run-spec', 'leave out the "fixbench" key (setup, test_cmd, test_report, …)')
    .addOption(
      new Option('--as <kind>', 'what to write; swe-bench-tasks: one published-layout folder per task under --out <dir> (an unchanged imported task comes back byte for byte)')
        .choices(['instances', 'gold-predictions', 'swe-bench-tasks'])
        .default('instances'),
    )
    .action(async (ids: string[], opts) => {
      exit.code = await (await import('./tasks-swe.ts')).tasksExportCommand(ids, opts);
    });

  program
    .command('eval')
    .description(
      'Grade a SWE-bench predictions file (JSONL: instance_id, model_name_or_path, model_patch) made by any agent: every task of ' +
        'the suite is graded per model_name_or_path like an attempt (a task without a prediction, or with an empty or null ' +
        'model_patch, is empty_patch and never run); writes results/<run_id>/ and reports/<run_id>/index.html. A model_name_or_path ' +
        '"gold" or "noop" becomes the contender "gold-predictions" or "noop-predictions" (the names gold and noop are the reference agents\').',
    )
    .requiredOption('--predictions <file.jsonl>', 'SWE-bench predictions, one JSON object per line')
    .option('--tasks <dir>', 'folder of task fixtures (default: the bundled tasks/)')
    .option('--task <ids>', 'only these instance_ids (comma-separated; repeatable)', list)
    .addOption(new Option('--concurrency <n>', 'evaluations run at once').default(2).argParser(positiveInt))
    .option('--results <dir>', 'results folder', 'results')
    .option('--reports <dir>', 'reports folder', 'reports')
    .option('--run-id <id>', 'run id, a new folder under --results')
    .addOption(sandboxOption('a predictions file\'s patches are untrusted, so auto never falls back to local'))
    .option('--json', 'print a JSON summary on stdout instead of text')
    .action(async (opts) => {
      exit.code = await (await import('./eval.ts')).evalCommand(opts);
    });
}
