// The images (problem_assets/) reach a model that accepts images as image content, in both
// wire protocols, through the real clients and the fake provider; a text-only model gets their
// names and a note instead; the trajectory keeps no image bytes.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BashAgent } from '../../../src/agents/bash.ts';
import { SUBMIT_SENTINEL } from '../../../src/agents/bash-protocol.ts';
import { ModelSpec } from '../../../src/config/models.ts';
import { AnthropicClient } from '../../../src/models/anthropic.ts';
import { OpenAIChatClient } from '../../../src/models/openai-chat.ts';
import { LocalSandbox } from '../../../src/sandbox/local.ts';
import { startFakeProvider, toolCall, type FakeProvider } from '../../helpers/fake-provider.ts';
import { defaultLimits, gitRepo, taskFor, TEST_KEY } from './harness.ts';

/** A real 1×1 PNG and the first bytes of a JPEG (the type is read from the magic number). */
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5d4e1e80000000049454e44ae426082', 'hex');
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('JFIF-test-bytes')]);
const URL_0 = 'https://user-images.githubusercontent.com/22080/34058152-cf2dccfa.png';
const URL_1 = 'https://user-images.githubusercontent.com/22080/34058228-0f78b5f4.jpg';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

/** A task folder with a SWE-bench Multimodal-style problem_assets/ (two images and a code attachment). */
async function taskWithAssets() {
  const ws = await gitRepo({ 'greet.txt': 'hello\n' });
  cleanups.push(() => ws.cleanup());
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fixbench-images-task-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await mkdir(path.join(dir, 'problem_assets', 'codepen.io'), { recursive: true });
  await writeFile(path.join(dir, 'problem_assets', '0-34058152-cf2dccfa.png'), PNG);
  await writeFile(path.join(dir, 'problem_assets', '1-34058228-0f78b5f4.jpg'), JPEG);
  await writeFile(path.join(dir, 'problem_assets', 'codepen.io', 'demo.js'), 'console.log(1)\n');
  const task = taskFor(ws, {
    dir,
    problem_statement: `The notice is wrong:\n\n![notice](${URL_0})\n\nand the form:\n\n![form](${URL_1})\n`,
    swe_bench: { image_assets: { problem_statement: [URL_0, URL_1], patch: [], test_patch: [] } },
  });
  return { ws, task };
}

async function run(api: 'openai' | 'anthropic', images: boolean) {
  const server: FakeProvider = await startFakeProvider([toolCall('bash', { command: `echo ${SUBMIT_SENTINEL}` })]);
  cleanups.push(() => server.close());
  const { ws, task } = await taskWithAssets();
  const spec = ModelSpec.parse({
    id: 'fake-model',
    provider: 'fake',
    api,
    base_url: api === 'openai' ? server.baseURL : server.rootURL,
    api_key_env: 'FAKE_API_KEY',
    model: 'fake/model',
    vendor: 'fake',
    region: 'US',
    ...(images ? { input: ['text', 'image'] } : {}),
  });
  const opts = { sleep: async () => {}, random: () => 0, baseDelayMs: 1 };
  const client = api === 'openai' ? new OpenAIChatClient(spec, TEST_KEY, null, opts) : new AnthropicClient(spec, TEST_KEY, null, opts);
  const sandbox = new LocalSandbox();
  cleanups.push(() => sandbox.cleanup());
  let trajectory: any = null;
  const result = await new BashAgent({ toolCalls: true, images: spec.input.includes('image') }).attempt({
    task,
    workspace: ws,
    sandbox,
    limits: defaultLimits(),
    model: client,
    saveTrajectory: async (t) => {
      trajectory = t;
    },
  });
  expect(result.exit_status).toBe('submitted');
  return { result, body: server.requests[0]!.body, trajectory };
}

describe('bash agent: the issue’s images', () => {
  it('OpenAI chat: a model with input [text, image] receives each image as an image_url data-URL part with its media type and bytes', async () => {
    const { result, body, trajectory } = await run('openai', true);
    const content = body.messages[1].content;
    expect(Array.isArray(content)).toBe(true);
    expect(content[0].type).toBe('text');
    expect(content[0].text).toContain('![notice](problem_assets/0-34058152-cf2dccfa.png)');
    expect(content[0].text).not.toContain(URL_0);
    expect(content[0].text).toContain('Other attachments of the issue, not available here: problem_assets/codepen.io/demo.js');
    const parts = content.filter((p: any) => p.type === 'image_url');
    expect(parts.map((p: any) => p.image_url.url)).toEqual([`data:image/png;base64,${PNG.toString('base64')}`, `data:image/jpeg;base64,${JPEG.toString('base64')}`]);
    expect(content.filter((p: any) => p.type === 'text').map((p: any) => p.text)).toContain('Image 1: problem_assets/0-34058152-cf2dccfa.png');
    expect(result.images_sent).toBe(2);
    // The trajectory names the images but keeps none of their bytes.
    const saved = JSON.stringify(trajectory.messages);
    expect(saved).not.toContain(PNG.toString('base64'));
    expect(saved).toContain('"url":"problem_assets/0-34058152-cf2dccfa.png"');
  });

  it('Anthropic messages: the same model receives each image as an image block with a base64 source', async () => {
    const { result, body } = await run('anthropic', true);
    const blocks = body.messages[0].content;
    expect(blocks[0]).toMatchObject({ type: 'text', text: expect.stringContaining('problem_assets/1-34058228-0f78b5f4.jpg') });
    expect(blocks.filter((b: any) => b.type === 'image')).toEqual([
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG.toString('base64') } },
      { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: JPEG.toString('base64') } },
    ]);
    expect(result.images_sent).toBe(2);
  });

  for (const api of ['openai', 'anthropic'] as const) {
    it(`${api}: a text-only model gets no image, and its prompt names the images as unavailable`, async () => {
      const { result, body } = await run(api, false);
      const raw = JSON.stringify(body);
      expect(raw).not.toContain('image_url');
      expect(raw).not.toContain('"type":"image"');
      expect(raw).not.toContain(PNG.toString('base64'));
      const user = api === 'openai' ? body.messages[1].content : body.messages[0].content[0].text;
      expect(typeof user).toBe('string');
      expect(user).toContain('The issue includes 2 image(s) that cannot be shown to you (this model takes text only): problem_assets/0-34058152-cf2dccfa.png, problem_assets/1-34058228-0f78b5f4.jpg');
      expect(user).toContain('![form](problem_assets/1-34058228-0f78b5f4.jpg)');
      expect(result.images_sent).toBe(0);
    });
  }

  it('a task without problem_assets/ sends the statement unchanged and records nothing about images', async () => {
    const server = await startFakeProvider([toolCall('bash', { command: `echo ${SUBMIT_SENTINEL}` })]);
    cleanups.push(() => server.close());
    const ws = await gitRepo({ 'greet.txt': 'hello\n' });
    cleanups.push(() => ws.cleanup());
    const spec = ModelSpec.parse({ id: 'm', provider: 'f', api: 'openai', base_url: server.baseURL, api_key_env: 'K', model: 'f/m', vendor: 'f', region: 'US', input: ['text', 'image'] });
    const sandbox = new LocalSandbox();
    cleanups.push(() => sandbox.cleanup());
    const task = taskFor(ws);
    const result = await new BashAgent({ toolCalls: true, images: true }).attempt({ task, workspace: ws, sandbox, limits: defaultLimits(), model: new OpenAIChatClient(spec, TEST_KEY, null) });
    expect(typeof server.requests[0]!.body.messages[1].content).toBe('string');
    expect(server.requests[0]!.body.messages[1].content).toContain(task.problem_statement);
    expect(result.images_sent).toBeUndefined();
  });
});

describe('problemView', () => {
  it('an image inside an attached project (codesandbox/data/icon.png) is an attachment, not an issue image', async () => {
    const { problemView } = await import('../../../src/agents/bash-images.ts');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'fixbench-images-view-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await mkdir(path.join(dir, 'problem_assets', 'codesandbox', 'data'), { recursive: true });
    await writeFile(path.join(dir, 'problem_assets', 'codesandbox', 'data', 'icon.png'), PNG);
    await writeFile(path.join(dir, 'problem_assets', '0-shot.png'), PNG);
    const v = await problemView({ dir, problem_statement: 'Broken.\n', problem_assets: undefined, swe_bench: undefined }, true);
    expect(v.shown).toEqual(['problem_assets/0-shot.png']);
    expect(v.images).toBe(1);
    expect(v.statement).toBe(
      'Broken.\n\nThe issue\'s images are attached below, in order: problem_assets/0-shot.png. They are not files in the repository.\nOther attachments of the issue, not available here: problem_assets/codesandbox/data/icon.png.\n',
    );
  });

  it('shows at most MAX_IMAGES images to an image model and lists the rest as over the limit', async () => {
    const { problemView, MAX_IMAGES } = await import('../../../src/agents/bash-images.ts');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'fixbench-images-cap-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await mkdir(path.join(dir, 'problem_assets'));
    for (let i = 0; i < MAX_IMAGES + 2; i++) await writeFile(path.join(dir, 'problem_assets', `${String(i).padStart(2, '0')}.png`), PNG);
    const v = await problemView({ dir, problem_statement: 'x', problem_assets: undefined, swe_bench: undefined }, true);
    expect(v.shown).toHaveLength(MAX_IMAGES);
    expect(v.parts.filter((p) => p.type === 'image_url')).toHaveLength(MAX_IMAGES);
    expect(v.statement).toContain(`not shown (over the limit of ${MAX_IMAGES} images or 20 MiB per request): problem_assets/20.png, problem_assets/21.png.`);
  });
});
