// Issue 22.6 through `fixbench run`: a task whose problem_assets/ holds a screenshot, run with a
// model whose catalog entry says `input: [text, image]` (Anthropic protocol) and a text-only one
// (OpenAI protocol) against the fake provider. The image model's request carries the image, the
// text-only one's names it as unavailable; the records say images_sent, the report says who saw them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { startFakeProvider, toolCall, type FakeProvider } from '../helpers/fake-provider.ts';
import { tinyRepo, writeTinyTask } from '../helpers/tiny-task.ts';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5d4e1e80000000049454e44ae426082', 'hex');
const SHOT_URL = 'https://user-images.githubusercontent.com/1/sum-wrong.png';

let tmp: string;
let server: FakeProvider;
afterAll(async () => {
  await server?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('fixbench run: the issue’s images', () => {
  it('reach the model with input [text, image] only; records and report say who saw them', async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-issue-images-'));
    server = await startFakeProvider(() => toolCall('bash', { command: 'echo FIXBENCH_SUBMIT' }));
    const tasks = path.join(tmp, 'tasks');
    writeTinyTask(tasks, tinyRepo(), 'img-1', { yaml: { problem_assets: [{ file: 'sum.png', url: SHOT_URL }] } });
    mkdirSync(path.join(tasks, 'img-1', 'problem_assets'));
    writeFileSync(path.join(tasks, 'img-1', 'problem_assets', 'sum.png'), PNG);
    writeFileSync(path.join(tasks, 'img-1', 'problem_statement.md'), `add(2, 3) gives -1:\n\n![sum](${SHOT_URL})\n`);
    const entry = (id: string, api: string, base: string, extra = '') =>
      `  - { id: ${id}, provider: fake, api: ${api}, base_url: ${base}, api_key_env: FAKE_PROVIDER_API_KEY, model: fake/${id}, vendor: Fake, region: US${extra} }\n`;
    const modelsFile = path.join(tmp, 'models.yaml');
    await writeFile(modelsFile, `models:\n${entry('seer', 'anthropic', server.rootURL, ', input: [text, image]')}${entry('reader', 'openai', server.baseURL)}`);
    const prices = path.join(tmp, 'prices.yaml');
    await writeFile(prices, 'as_of: "2026-04-01"\nsource: test sheet\nmodels:\n  seer: { input: "1.00", output: "1.00" }\n  reader: { input: "1.00", output: "1.00" }\n');
    const results = path.join(tmp, 'results');
    const r = await runCli(
      ['run', '--tasks', tasks, '--no-reference', '--models-file', modelsFile, '--prices', prices, '--results', results, '--reports', path.join(tmp, 'reports'), '--run-id', 'img-run', '--sandbox', 'local'],
      { env: { FAKE_PROVIDER_API_KEY: 'sk-fake-images-0123456789' } },
    );
    expect(r.exitCode, r.stderr).toBe(0);

    const seer = server.requests.find((q) => q.dialect === 'anthropic')!;
    const reader = server.requests.find((q) => q.dialect === 'openai')!;
    expect(seer.body.messages[0].content).toContainEqual({ type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG.toString('base64') } });
    expect(JSON.stringify(seer.body)).toContain('![sum](problem_assets/sum.png)');
    expect(JSON.stringify(reader.body)).not.toContain(PNG.toString('base64'));
    expect(reader.body.messages[1].content).toContain('The issue includes 1 image(s) that cannot be shown to you (this model takes text only): problem_assets/sum.png');

    const records = (await readFile(path.join(results, 'img-run', 'attempts.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(Object.fromEntries(records.map((a) => [a.contender, a.images_sent]))).toEqual({ seer: 1, reader: 0 });
    const run = JSON.parse(await readFile(path.join(results, 'img-run', 'run.json'), 'utf8'));
    expect(run.config.contenders.map((c: any) => [c.id, c.model.input ?? null])).toEqual([['seer', ['text', 'image']], ['reader', null]]);
    const html = await readFile(path.join(tmp, 'reports', 'img-run', 'index.html'), 'utf8');
    expect(html).toContain('<dt>issue images</dt><dd>reader did not (text only: 1 task with images); seer saw them (1 image sent on 1 task)</dd>');
    // The trajectory names the image but does not copy it into the results.
    const trajectory = await readFile(path.join(results, 'img-run', 'trajectories', 'seer', 'img-1', '0.json'), 'utf8');
    expect(trajectory).toMatch(/"url": ?"problem_assets\/sum\.png"/);
    expect(trajectory).not.toContain(PNG.toString('base64'));
  }, 180_000);
});
