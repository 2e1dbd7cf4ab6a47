// The fake provider under its original name: tests of the OpenAI dialect import from here.
// The server (both dialects, streaming, faults) lives in fake-provider.ts.
export {
  startFakeOpenAI,
  startFakeProvider,
  toolCall,
  textReply,
  bashBlock,
  errorReply,
  defaultUsage,
  defaultAnthropicUsage,
  type FakeReply,
  type FakeRequest,
  type FakeOpenAI,
  type FakeProvider,
  type FakeScript,
} from './fake-provider.ts';
