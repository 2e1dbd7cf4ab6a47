// The CLI's hints: one command prefix, the resume command of an interrupted run, the end-of-run
// contender line (rate over the attempts that ran when some did not), the --models-file hint on a
// resume, the dry run's budget share (rounded) and a predictions file's progress line.
import { describe, expect, it } from 'vitest';
import { budgetStep, commandPrefix, groupedSkips, raisedBudget, withoutFlag, completeResumeStep, contenderLine, shardCounts, resumeCommand, resumeStep, uncountedCapRefusal, withModelsFileHint } from '../../../src/cli/hints.ts';
import { budgetShare } from '../../../src/cli/forecast.ts';
import { progressLine } from '../../../src/cli/progress.ts';
import { UserInputError } from '../../../src/core/errors.ts';
import { makeAttempt } from '../analysis/fixtures.ts';

describe('commandPrefix', () => {
  it('is `npx fixbench` under npm or npx, `fixbench` on PATH, else node and the script', () => {
    expect(commandPrefix('/c/bin/fixbench.mjs', { npm_lifecycle_event: 'start' })).toBe('npx fixbench');
    expect(commandPrefix('/c/node_modules/.bin/fixbench', { npm_command: 'exec' })).toBe('npx fixbench');
    expect(commandPrefix('/usr/local/bin/fixbench', {})).toBe('fixbench');
    expect(commandPrefix('my dir/bin/fixbench.mjs', {})).toBe("node 'my dir/bin/fixbench.mjs'");
  });
});

describe('resumeCommand and resumeStep', () => {
  it('continues the run with --resume, repeating --results and --models-file only when given', () => {
    expect(resumeCommand('r1', { results: 'results', modelsFile: undefined, given: [] }, { prefix: 'npx fixbench' })).toBe('npx fixbench run --resume r1');
    expect(resumeCommand('r1', { results: 'my res', modelsFile: 'local-models.yaml', given: ['results', 'modelsFile'] }, { prefix: 'fixbench', retry: true })).toBe(
      "fixbench run --retry-errors r1 --results 'my res' --models-file local-models.yaml",
    );
    // a run of other task folders: without --tasks the resume would see another suite and refuse (atkD7)
    expect(resumeCommand('r1', { tasks: 'my tasks', given: ['tasks'] }, { prefix: 'npx fixbench', retry: true })).toBe("npx fixbench run --retry-errors r1 --tasks 'my tasks'");
    expect(resumeCommand('r1', { tasks: 'tasks', given: [] }, { prefix: 'npx fixbench' })).toBe('npx fixbench run --resume r1');
    // the report goes where the interrupted run put it, not to ./reports
    expect(resumeCommand('r1', { results: '/mnt/res', reports: '/tmp/rep', given: ['results', 'reports'] }, { prefix: 'npx fixbench' })).toBe('npx fixbench run --resume r1 --results /mnt/res --reports /tmp/rep');
  });

  it('says the resume command first after an interrupted run, nothing after a finished one', () => {
    expect(resumeStep('interrupted', 'npx fixbench run --resume r1', 3)).toBe('next: the run was interrupted; finish its 3 attempt(s) that did not run with:\n  npx fixbench run --resume r1\n');
    expect(resumeStep('finished', 'npx fixbench run --resume r1', 3)).toBe('');
    expect(resumeStep('interrupted', 'npx fixbench run --resume r1', 0)).toBe(''); // the Ctrl-C came after the last attempt: nothing to resume
  });

  it('after a resume that ran nothing, says the run was complete, and how to run the models it skipped for a key', () => {
    const skipped = [{ reason: 'OPENROUTER_API_KEY is not set; set it to run this model' }, { reason: 'OPENROUTER_API_KEY is not set; set it to run this model' }];
    expect(completeResumeStep('r1', 0, 0, [], 0, 'npx fixbench run')).toBe('next: run r1 was already complete: nothing ran (its report is rebuilt above)\n');
    expect(completeResumeStep('r1', 0, 0, skipped, 0, 'npx fixbench run --attempts 2')).toBe(
      "next: run r1 was already complete: nothing ran (its report is rebuilt above)\n  to run models, set the key and start a new run (a resume keeps the run's contenders):\n  export OPENROUTER_API_KEY=...; npx fixbench run --attempts 2   (add the run's other flags: --task, --attempts, …)\n",
    );
    expect(completeResumeStep('r1', 0, 0, skipped, 1, 'npx fixbench run')).not.toContain('export'); // a model ran: the report is what to read
    expect(completeResumeStep('r1', 2, 0, skipped, 0, 'npx fixbench run')).toBe(''); // attempts ran: the run's own lines say the rest
    expect(completeResumeStep('r1', 0, 3, skipped, 0, 'npx fixbench run')).toBe(''); // still attempts to run: resumeStep's line
  });
});

describe('contenderLine', () => {
  const c = { id: 'gold', resolved: 2, graded: 4, missing: 2, infraErrors: 0 };
  it('gives the rate over the attempts that ran and names those not run with the reason', () => {
    expect(contenderLine(c, 'interrupted')).toBe('gold: resolved 2/2 of those run (100.0%), 2 graded, 2 not run (interrupted)');
    expect(contenderLine({ ...c, resolved: 1, infraErrors: 1, graded: 3 }, 'budget_exhausted')).toBe('gold: resolved 1/1 of those run (100.0%), 1 graded, 1 infra error, 2 not run (run budget exhausted)');
    expect(contenderLine(c, 'finished', true)).toContain('2 not run (other shards)');
    expect(contenderLine({ ...c, resolved: 0, graded: 2 }, 'interrupted')).toBe('gold: resolved 0/0 of those run, 0 graded, 2 not run (interrupted)');
  });
  it("a shard's line counts its own attempts: an interrupted shard names only its own not run", () => {
    // summarise planned the whole suite (16 trials, 3 recorded); the shard planned 8 of them
    const whole = { id: 'gold', resolved: 3, recorded: 3, infraErrors: 0, graded: 16, missing: 13 };
    expect(contenderLine({ ...whole, ...shardCounts(whole, 8) }, 'interrupted', true)).toBe('gold: resolved 3/3 of those run (100.0%), 3 graded, 5 not run (interrupted)');
    expect(contenderLine({ ...whole, ...shardCounts(whole, 3) }, 'finished', true)).toBe('gold: resolved 3/3 (100.0%), 3 graded');
    const infra = { ...whole, recorded: 4, infraErrors: 1 };
    expect(shardCounts(infra, 4)).toEqual({ graded: 3, missing: 0 });
  });
  it('keeps the plain form when every trial ran', () => {
    expect(contenderLine({ ...c, missing: 0, infraErrors: 2, graded: 2 }, 'finished')).toBe('gold: resolved 2/2 (100.0%), 2 graded, 2 infra errors');
  });
});

describe('withModelsFileHint', () => {
  const unknown = new UserInputError('unknown model id(s): qwen-local (not in /x/models.yaml); known ids: a');
  it('names --models-file on a resume whose models are not in the default catalog', () => {
    const e = withModelsFileHint(unknown, '--retry-errors r1', []) as Error;
    expect(e).toBeInstanceOf(UserInputError);
    expect(e.message).toMatch(/^--retry-errors r1: unknown model id\(s\): qwen-local .*\n  fix: .*add --models-file <file>/);
  });
  it('leaves other errors, and a resume that gave --models-file, as they are', () => {
    expect(withModelsFileHint(unknown, '--resume r1', ['modelsFile'])).toBe(unknown);
    const other = new UserInputError('something else');
    expect(withModelsFileHint(other, '--resume r1', [])).toBe(other);
  });
});

describe('budgetShare', () => {
  it('rounds to the nearest whole percent, within 1–99', () => {
    expect(budgetShare(2, 67.23)).toBe(3); // 2.97%: truncating said 2%
    expect(budgetShare(1, 4)).toBe(25);
    expect(budgetShare(0.001, 100)).toBe(1);
    expect(budgetShare(9.996, 10)).toBe(99);
    expect(budgetShare(0, 10)).toBe(0);
  });
});

describe('progressLine of a predictions file', () => {
  it('says tokens and cost are not known instead of "unknown 0 tok"', () => {
    const r = { ...makeAttempt('gold-predictions', 't1', 'resolved', null), agent: 'predictions' };
    const line = progressLine(r, 1, 2);
    expect(line).toMatch(/^\[1\/2\] gold-predictions t1#\d+: resolved; tokens and cost not known \(a predictions file\) /);
    expect(line).not.toMatch(/tok\b|unknown/);
  });
});

describe('uncountedCapRefusal: a USD cap that cannot count an unpriced model', () => {
  const base = { capFlag: '--attempt-usd 0.5', models: ['m-free'], priceFile: 'prices/2026.yaml', noneFlags: ['--attempt-usd none'] };
  it('a new run: names the exact command to type, this command line with the cap flags replaced', () => {
    const msg = uncountedCapRefusal({ ...base, argv: ['run', '--models', 'm-free', '--attempt-usd', '0.5', '--run-id', 'nightly', '--task', 'a b'], script: '/usr/bin/fixbench', env: {} });
    expect(msg).toBe("--attempt-usd 0.5 cannot count the calls of m-free: prices/2026.yaml has no price for them and no priced row to bound an unknown cost at; add a price row for them, or pass --attempt-usd none:\n  fixbench run --models m-free --run-id nightly --task 'a b' --attempt-usd none");
    const both = uncountedCapRefusal({ ...base, capFlag: '--budget-usd 2', noneFlags: ['--budget-usd none', '--attempt-usd none'], argv: ['run', '--budget-usd=2'], script: '/x/bin/fixbench.mjs', env: { npm_command: 'exec' } });
    expect(both.split('\n').at(-1)).toBe('  npx fixbench run --budget-usd none --attempt-usd none');
    expect(uncountedCapRefusal({ ...base, argv: ['run', '--models', 'm-free'], env: { npm_lifecycle_event: 'start' } }).split('\n').at(-1)).toBe('  npm start -- --models m-free --attempt-usd none');
  });
  it('a resume: says the run cannot continue under its own cap (dropping it is refused as another configuration) and gives the new run of its models', () => {
    const msg = uncountedCapRefusal({ ...base, argv: ['run', '--resume', 'old-run'], resuming: '--resume old-run', script: 'bin/fixbench.mjs', env: {} });
    expect(msg).toContain('--resume old-run: --attempt-usd 0.5 cannot count the calls of m-free');
    expect(msg).toContain('--attempt-usd none or a new price row would be refused as another configuration');
    expect(msg.split('\n').at(-1)).toBe('  node bin/fixbench.mjs run --models m-free --attempt-usd none   (add the run\'s other flags: --task, --attempts, …)');
  });
});

describe('budgetStep / raisedBudget / withoutFlag', () => {
  it('a run stopped by its budget gets a new run with a larger cap, never a resume', () => {
    const step = budgetStep({ status: 'budget_exhausted', rerun: 'npx fixbench run --task a', flag: '--budget-usd', raiseTo: 0.013, resumed: false });
    expect(step).toContain('\n  npx fixbench run --task a --budget-usd 0.013\n');
    expect(step).not.toMatch(/run --(resume|retry-errors)/);
    expect(step).not.toContain("add the run's other flags");
    expect(budgetStep({ status: 'budget_exhausted', rerun: 'npm start', flag: '--budget-usd', raiseTo: 4, resumed: true })).toContain("npm start -- --budget-usd 4   (add the run's other flags");
    expect(budgetStep({ status: 'finished', rerun: 'x', flag: '--budget-usd', raiseTo: 1, resumed: false })).toBe('');
  });
  it('raises to at least twice the cap, else the projected spend with headroom, 2 significant digits up', () => {
    expect(raisedBudget(0.006, 0.0084, 2, 2)).toBe(0.013);
    expect(raisedBudget(2, 1, 10, 10)).toBe(4);
    expect(raisedBudget(1, 0, 0, 5)).toBe(2);
  });
  it('drops a flag and its value in both spellings', () => {
    expect(withoutFlag(['run', '--budget-usd', '1', '--task', 'a', '--budget-usd=2'], '--budget-usd')).toEqual(['run', '--task', 'a']);
  });
});

describe('groupedSkips', () => {
  it('names a missing key once, with every model it skipped; other reasons by reason', () => {
    const why = 'OPENROUTER_API_KEY is not set; set it to run this model';
    const text = groupedSkips([{ id: 'a', reason: why }, { id: 'b', reason: 'no price' }, { id: 'c', reason: why }]);
    expect(text).toBe('OPENROUTER_API_KEY is not set (set it to run these models): a, c; no price: b');
    expect(text.match(/OPENROUTER_API_KEY/g)).toHaveLength(1);
  });
});
