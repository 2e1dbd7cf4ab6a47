// The token bound of a call whose usage is unknown (src/pricing/usage-bound.ts): what it counts and
// when it is a bound at all.
import { describe, expect, it } from 'vitest';
import { IMAGE_TOKENS, unknownUsageBound } from '../../../src/pricing/usage-bound.ts';
import { requestMedia } from '../../../src/pricing/request-media.ts';

const bound = (body: Record<string, unknown>, received = 0) => unknownUsageBound(JSON.stringify(body), received);
const user = (content: unknown) => ({ messages: [{ role: 'user', content }] });

describe('unknownUsageBound', () => {
  it('bounds output by the largest output limit times the choices billed (n, best_of)', () => {
    expect(bound({ max_tokens: 100, ...user('x') })).toMatchObject({ bounded: true, usage: { output: 100 } });
    expect(bound({ max_tokens: 100, max_completion_tokens: 4000, ...user('x') }).usage.output).toBe(4000);
    expect(bound({ max_tokens: 4000, n: 64, ...user('x') })).toMatchObject({ bounded: true, usage: { output: 256_000 } });
    expect(bound({ prompt: 'x', max_tokens: 10, n: 2, best_of: 5 }).usage.output).toBe(50);
    expect(bound({ max_tokens: 10, n: null, ...user('x') }).usage.output).toBe(10);
  });

  it('is no bound when an output limit or choice count cannot be read, or none is set', () => {
    expect(bound({ ...user('x') }, 7)).toMatchObject({ bounded: false, usage: { output: 7 } });
    expect(bound({ max_tokens: '4000', ...user('x') }).bounded).toBe(false);
    expect(bound({ max_tokens: 10, n: '64', ...user('x') }).bounded).toBe(false);
    expect(bound({ max_tokens: 10, max_output_tokens: -1, ...user('x') }).bounded).toBe(false);
  });

  it('is no bound with a document or file part, or a remote source, wherever it is nested', () => {
    const pdf = { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' } };
    for (const body of [
      { max_tokens: 10, ...user([pdf]) },
      { max_tokens: 10, ...user([{ type: 'tool_result', tool_use_id: 't', content: [pdf] }]) },
      { max_tokens: 10, ...user([{ type: 'file', file: { file_id: 'file-1' } }]) },
      { max_tokens: 10, ...user([{ type: 'file', file: { filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' } }]) },
      { max_output_tokens: 10, input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'file-1' }] }] },
      { max_output_tokens: 10, input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'https://x.example/a.png' }] }] },
      { max_tokens: 10, ...user([{ type: 'image_url', image_url: { url: 'https://x.example/a.png' } }]) },
      { max_tokens: 10, ...user([{ type: 'image', source: { type: 'url', url: 'https://x.example/a.png' } }]) },
    ]) expect(bound(body).bounded, JSON.stringify(body)).toBe(false);
  });

  it('counts inline images at IMAGE_TOKENS each (a worst case, so no bound); tool calls or schemas naming urls and file ids are no media', () => {
    const img = { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } };
    const body = {
      max_tokens: 10,
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { file_id: { type: 'string' }, url: { type: 'string' } } } } }],
      messages: [
        { role: 'user', content: [img, img] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'f', input: { file_id: 'file-1', url: 'https://x.example', source: { type: 'url', url: 'https://x' } } }] },
      ],
    };
    const b = bound(body);
    expect(b.bounded).toBe(false);
    expect(b.usage.input_uncached).toBe(Buffer.byteLength(JSON.stringify(body)) + 2 * IMAGE_TOKENS);
    expect(bound({ ...body, messages: body.messages.slice(1) }).bounded).toBe(true);
    expect(requestMedia(body)).toEqual({ images: 2, documents: 0, remote: [] });
  });
});
