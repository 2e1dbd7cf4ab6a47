// checkRunIdOption: the --run-id check shared by `fixbench run` and `fixbench eval`.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRunIdOption, writeTasksDir } from '../../../src/cli/common.ts';
import { UserInputError } from '../../../src/core/errors.ts';

describe('checkRunIdOption', () => {
  it('accepts no id and a well-formed id', () => {
    expect(() => checkRunIdOption(undefined)).not.toThrow();
    expect(() => checkRunIdOption('nightly-2026.04_01')).not.toThrow();
  });

  it('refuses ids that are not file-name safe or too long, quoting at most 120 characters', () => {
    for (const bad of ['', '../escape', '.hidden', 'a/b', 'x'.repeat(101)]) {
      expect(() => checkRunIdOption(bad)).toThrow(UserInputError);
    }
    expect(() => checkRunIdOption('a b')).toThrow(/--run-id "a b": start with a letter or digit/);
    const long = 'y'.repeat(300);
    expect(() => checkRunIdOption(long)).toThrow(`--run-id "${'y'.repeat(120)}": `);
  });
});

describe('writeTasksDir', () => {
  it('has no default: a command that writes tasks refuses without --tasks, naming itself and the fix', () => {
    expect(() => writeTasksDir(undefined, 'tasks create')).toThrow(UserInputError);
    expect(() => writeTasksDir(undefined, 'tasks create')).toThrow(/^tasks create needs --tasks <dir>: .*e\.g\. --tasks my-tasks; the bundled tasks\/ is the shipped suite/);
    expect(writeTasksDir('my-tasks', 'tasks mine')).toBe(path.resolve('my-tasks'));
  });
});

describe('nextStepAfterRun', () => {
  it('ends a run where every model lacked its key with the line to type next, naming the variable only', async () => {
    const { nextStepAfterRun } = await import('../../../src/cli/common.ts');
    const skipped = [
      { id: 'a', reason: 'OPENROUTER_API_KEY is not set; set it to run this model' },
      { id: 'b', reason: 'OPENROUTER_API_KEY is not set; set it to run this model' },
      { id: 'c', reason: 'ANTHROPIC_API_KEY is not set; set it to run this model' },
    ];
    expect(nextStepAfterRun(skipped, 0, 'npm start -- --agent bash', 'npx fixbench')).toBe(
      'next: no model ran (3 skipped: OPENROUTER_API_KEY, ANTHROPIC_API_KEY not set). Set the key and run again:\n  export OPENROUTER_API_KEY=...; export ANTHROPIC_API_KEY=...; npm start -- --agent bash\n' +
        '  (that runs every model with a key at the default budget of $2 (--budget-usd), which stops it early: `npm start -- --agent bash --dry-run` forecasts its cost against the budget; run one model with --models <id>, or give a larger --budget-usd)\n' +
        'no key? `npm start -- --agent bash --dry-run` forecasts the cost; a whole model run offline: `npm run fake-provider`, then in another terminal `FAKE_PROVIDER_KEY=dummy npx fixbench run --models-file examples/fake-provider/models.yaml --prices examples/fake-provider/prices.yaml` (README § Trying a model run without a key); a local model: README § A local model; or grade a predictions file: `npx fixbench eval --predictions <file>`\n',
    );
    // the forecast keeps the run's own folders (newcomer13 #5); a bare `npm start` gets the `--` npm needs
    expect(nextStepAfterRun(skipped, 0, 'npx fixbench run --tasks my-tasks --results X', 'npx fixbench')).toContain('no key? `npx fixbench run --tasks my-tasks --results X --dry-run` forecasts');
    expect(nextStepAfterRun(skipped, 0, 'npm start', 'npx fixbench')).toContain('no key? `npm start -- --dry-run` forecasts');
    // after an interrupted run's "next: … finish … with" line, the key line is the alternative (one "next:" only)
    expect(nextStepAfterRun(skipped, 0, 'npm start', 'npx fixbench', true)).toMatch(/^or, to run the models too, start a new run once the key is set \(no model ran: 3 skipped, OPENROUTER_API_KEY, ANTHROPIC_API_KEY not set\):\n  export OPENROUTER_API_KEY=\.\.\.; export ANTHROPIC_API_KEY=\.\.\.; npm start\n/);
    // a run that names its models or its budget is not told about the default budget
    expect(nextStepAfterRun(skipped, 0, 'npx fixbench run --models step-3.5-flash', 'npx fixbench')).not.toContain('default budget');
    expect(nextStepAfterRun(skipped, 0, 'npx fixbench run --budget-usd 80', 'npx fixbench')).not.toContain('default budget');
    // a run on the user's own tasks folder: the fake provider serves it, and the run names it (newcomer22 #9); the bundled folder is not named
    const own = nextStepAfterRun(skipped, 0, 'npx fixbench run --tasks my-tasks', 'npx fixbench', false, '/home/u/my tasks');
    expect(own).toContain("`npm run fake-provider -- --tasks '/home/u/my tasks'`");
    expect(own).toContain("`FAKE_PROVIDER_KEY=dummy npx fixbench run --tasks '/home/u/my tasks' --models-file");
    const { PACKAGE_ROOT } = await import('../../../src/cli/paths.ts');
    expect(nextStepAfterRun(skipped, 0, 'npm start', 'npx fixbench', false, `${PACKAGE_ROOT}/tasks`)).toContain('`npm run fake-provider`, then');
    expect(nextStepAfterRun(skipped, 1)).toBe(''); // some model ran: the report is the next thing to read
    expect(nextStepAfterRun([], 0)).toBe(''); // --no-models: nothing was skipped
  });
});

describe('rerunCommand', () => {
  it('repeats the flags the user gave, the way the CLI was started, never `fixbench run` unless that is on PATH', async () => {
    const { rerunCommand } = await import('../../../src/cli/common.ts');
    const argv = ['run', '--tasks', 'my tasks', '--attempts', '2'];
    expect(rerunCommand(['run'], '/c/bin/fixbench.mjs', { npm_lifecycle_event: 'start' })).toBe('npm start');
    expect(rerunCommand(argv, '/c/bin/fixbench.mjs', { npm_lifecycle_event: 'start' })).toBe("npm start -- --tasks 'my tasks' --attempts 2");
    expect(rerunCommand(argv, '/c/node_modules/.bin/fixbench', { npm_command: 'exec' })).toBe("npx fixbench run --tasks 'my tasks' --attempts 2");
    expect(rerunCommand(argv, '/usr/local/bin/fixbench', {})).toBe("fixbench run --tasks 'my tasks' --attempts 2");
    expect(rerunCommand(argv, 'bin/fixbench.mjs', {})).toBe("node bin/fixbench.mjs run --tasks 'my tasks' --attempts 2");
    expect(rerunCommand(['run', "it's"], 'bin/fixbench.mjs', {})).toBe("node bin/fixbench.mjs run 'it'\\''s'");
  });

  it('leaves out the options naming a run: the re-run is a new run', async () => {
    const { rerunCommand } = await import('../../../src/cli/common.ts');
    const argv = ['run', '--run-id', 'first', '--resume=old', '--retry-errors', 'r1', '--task', 'js-duration-1'];
    expect(rerunCommand(argv, 'bin/fixbench.mjs', { npm_lifecycle_event: 'start' })).toBe('npm start -- --task js-duration-1');
  });
});
