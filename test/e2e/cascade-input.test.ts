// `fixbench run --cascade` bad input: every problem is a clear exit-2 error naming the flag and
// the fix, before any work (no run folder is made).
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

let tmp: string;
let modelsFile: string;
const model = (id: string, key = 'FAKE_CASCADE_KEY') => [`  - id: ${id}`, '    provider: fake', '    api: openai-chat', '    base_url: http://127.0.0.1:9/v1', `    api_key_env: ${key}`, `    model: fake/${id}`, '    vendor: Fake Labs', '    region: US'];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-cascade-input-'));
  modelsFile = path.join(tmp, 'models.yaml');
  await writeFile(modelsFile, ['models:', ...model('cheap'), ...model('strong'), ...model('other', 'FAKE_OTHER_KEY'), ''].join('\n'));
  await writeFile(path.join(tmp, '2026-04-01.yaml'), 'as_of: "2026-04-01"\nsource: test\nmodels:\n  cheap: { input: "1", output: "2" }\n  strong: { input: "10", output: "40" }\n  other: { input: "3", output: "9" }\n');
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const run = (args: string[], env: Record<string, string | undefined> = { FAKE_CASCADE_KEY: 'k-123' }) =>
  runCli(['run', '--task', 'js-duration-1', '--no-reference', '--no-models', '--models-file', modelsFile, '--prices', path.join(tmp, '2026-04-01.yaml'), '--results', path.join(tmp, 'results'), '--reports', path.join(tmp, 'reports'), '--run-id', 'bad', ...args], { env });

describe('run --cascade bad input', () => {
  it.each([
    [['--cascade', 'cheap,nosuch'], '--cascade cheap,nosuch: unknown model id "nosuch"', 'known ids: cheap, strong'],
    [['--cascade', 'cheap'], '--cascade cheap: a cascade needs at least two models', 'to run one model alone use --models cheap'],
    [['--cascade', 'cheap,strong,cheap'], '--cascade cheap,strong,cheap: cheap named more than once', 'a cascade tries each model once'],
    [['--cascade', 'cheap,,strong'], '--cascade cheap,,strong: an empty model name', 'e.g. --cascade cheap,strong'],
    [['--cascade', 'cheap,strong', '--cascade', 'cheap, strong'], '--cascade cheap, strong: this cascade is given twice', 'give each cascade once'],
    [['--cascade-mode', 'continue'], '--cascade-mode and --cascade-signal set how a cascade runs', 'add --cascade'],
    [['--cascade', 'cheap,strong', '--cascade-signal', 'hidden'], "option '--cascade-signal <signal>' argument 'hidden' is invalid", 'visible, submitted'],
  ])('%j is refused with exit 2', async (args, message, fix) => {
    const r = await run(args);
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain(fix);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(path.join(tmp, 'results', 'bad'))).toBe(false);
  });

  it('a stage model whose API-key variable is unset is refused, naming the variable', async () => {
    const r = await run(['--cascade', 'cheap,strong'], {});
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--cascade cheap,strong: FAKE_CASCADE_KEY is not set (the API key of cheap, strong); export it; to forecast the cascade without a key, add --dry-run');
    // every stage shares the key: dropping one leaves no cascade, so that advice is not given
    expect(r.stderr).not.toContain('drop');
  });

  it('offers to drop a keyless stage only when two stages with keys would remain', async () => {
    const three = await run(['--cascade', 'other,cheap,strong'], { FAKE_CASCADE_KEY: 'k-123' });
    expect(three.exitCode).toBe(2);
    expect(three.stderr).toContain('--cascade other,cheap,strong: FAKE_OTHER_KEY is not set (the API key of other); export it, or drop other from the cascade; to forecast the cascade without a key, add --dry-run');
    const two = await run(['--cascade', 'other,strong'], { FAKE_CASCADE_KEY: 'k-123' });
    expect(two.exitCode).toBe(2);
    expect(two.stderr).toContain('--cascade other,strong: FAKE_OTHER_KEY is not set (the API key of other); export it; to forecast');
  });

  it('a cascade is part of the RunConfig: --resume with another --cascade-mode is refused, naming the field', async () => {
    // a run budget of 0 starts no model attempt: the run only stores its configuration
    const first = await run(['--cascade', 'cheap,strong', '--budget-usd', '0', '--run-id', 'stored']); // the later --run-id wins
    expect(first.exitCode, first.stderr).toBe(0);
    const header = JSON.parse(await readFile(path.join(tmp, 'results', 'stored', 'run.json'), 'utf8'));
    expect(header.config.contenders[0]).toMatchObject({ kind: 'cascade', id: 'cascade:cheap>strong', mode: 'fresh', signal: 'visible' });
    expect(header.contenders[0].config_hash).toMatch(/^[0-9a-f]{16}$/);
    const r = await runCli(['run', '--resume', 'stored', '--models-file', modelsFile, '--prices', path.join(tmp, '2026-04-01.yaml'), '--results', path.join(tmp, 'results'), '--reports', path.join(tmp, 'reports'), '--cascade-mode', 'continue'], { env: { FAKE_CASCADE_KEY: 'k-123' } });
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr).toContain('config.contenders[cascade:cheap>strong].mode: "fresh" → "continue" (--cascade-mode)');
  });
});

