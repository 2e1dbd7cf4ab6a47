// toAnthropicRequest with content parts: images (data URL → base64 source, other URL → url source)
// and prompt-cache breakpoints on the system message (sent as blocks, cache_control kept).
import { describe, expect, it } from 'vitest';
import { withCacheBreakpoints } from '../../../src/agents/bash-protocol.ts';
import { toAnthropicRequest } from '../../../src/models/anthropic-messages.ts';
import type { ChatMessage } from '../../../src/models/types.ts';

describe('toAnthropicRequest: content parts', () => {
  it('maps image_url parts to image blocks: a data URL to a base64 source with its media type, another URL to a url source', () => {
    const r = toAnthropicRequest([
      { role: 'system', content: 'sys' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'look' },
          { type: 'image_url', image_url: { url: 'data:image/webp;base64,UklGRg==' } },
          { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
        ],
      },
    ]);
    expect(r.system).toBe('sys');
    expect(r.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'look' },
          { type: 'image', source: { type: 'base64', media_type: 'image/webp', data: 'UklGRg==' } },
          { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } },
        ],
      },
    ]);
  });

  it('sends a system message marked for the prompt cache as text blocks with cache_control (it used to send the parts array as one text)', () => {
    const msgs: ChatMessage[] = [
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'task' },
    ];
    const r = toAnthropicRequest(withCacheBreakpoints(msgs));
    expect(r.system).toEqual([{ type: 'text', text: 'be brief', cache_control: { type: 'ephemeral' } }]);
    expect(r.messages[0]!.content).toEqual([{ type: 'text', text: 'task', cache_control: { type: 'ephemeral' } }]);
  });
});
