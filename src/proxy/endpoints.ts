// Which requests the metering proxy forwards (DESIGN.md §11 rules 4–5): model endpoints only.
// A billed endpoint's call is always metered and checked against the caps, whatever its
// content-type says; a free one (token counting, model lists) is forwarded and never billed;
// anything else never reaches the provider with the real key.
import { requestMedia } from '../pricing/request-media.ts';
import type { Dialect } from './usage.ts';

/** How the proxy treats a request: `billed` (metered, capped, model rewritten), `free` (forwarded, not billed). */
export type EndpointKind = 'billed' | 'free';

/** The request's class, or why it is refused (403: not a model endpoint fixbench meters). */
export type EndpointVerdict = { kind: EndpointKind } | { refused: string };

/** `/v1/<rest>` or `/<rest>` → `/<rest>` (the proxy serves both). */
const rest = (pathname: string): string => pathname.replace(/^\/v1(?=\/|$)/, '') || '/';

/**
 * Classifies `method pathname` of `dialect` (paths as the client sent them, e.g.
 * `/v1/chat/completions`). Billed: OpenAI `POST /chat/completions`, `/responses`, `/completions`;
 * Anthropic `POST /v1/messages`. Free: `POST /v1/messages/count_tokens`, `GET /models[/<id>]`.
 * Everything else (files, batches, fine-tunes, background responses' retrieval, key management…)
 * is refused: such calls spend money later or outside the metered reply, or expose the account.
 */
export function classifyEndpoint(dialect: Dialect, method: string, pathname: string): EndpointVerdict {
  const p = rest(pathname).replace(/\/+$/, '');
  const m = method.toUpperCase();
  if (dialect === 'anthropic') {
    if (m === 'POST' && p === '/messages') return { kind: 'billed' };
    if (m === 'POST' && p === '/messages/count_tokens') return { kind: 'free' };
  } else {
    if (m === 'POST' && (p === '/chat/completions' || p === '/responses' || p === '/completions')) return { kind: 'billed' };
  }
  // A model id: plain characters only (no `%`, so no encoded `/` an upstream might decode into another path).
  if (m === 'GET' && /^\/models(\/[A-Za-z0-9._:@-]+){0,2}$/.test(p)) return { kind: 'free' };
  return { refused: `fixbench proxy: ${m} ${pathname} is not a model endpoint fixbench meters (allowed: chat/completions, responses, completions, messages, messages/count_tokens, GET models)` };
}

/**
 * Why a billed call may not start, or null: the attempt's cap is reached, or a billed call of
 * this attempt had a cost the caps cannot bound (`unboundedCost`: unknown to the sheet, not stated
 * by the reply, and no token bound at the model's own price), so the cap can no longer be
 * enforced. `spentUsd` is the USD counted so far (list price, else `cap_usd`).
 */
export function capRefusal(capUsd: number | null, spentUsd: number, unknownCostCalls: number): string | null {
  if (capUsd === null) return null;
  if (spentUsd >= capUsd) return `attempt cost cap of ${capUsd} USD reached (${spentUsd.toFixed(6)} USD spent at list price)`;
  if (unknownCostCalls > 0) return `${unknownCostCalls} earlier call(s) of this attempt had a cost unknown to the price sheet and not stated by the reply (cost unknown; the sheet's dearest rates are no bound), so the attempt cost cap of ${capUsd} USD cannot be enforced`;
  return null;
}

/**
 * The field of an OpenAI Responses request that makes the provider replay context it stores, or
 * null: `previous_response_id`, `conversation`, a stored `prompt` (by `id`), an `item_reference`
 * input item (atkD16 #1: 102 request bytes billed as 200,000 input tokens).
 */
function storedContext(body: Readonly<Record<string, unknown>>): string | null {
  if (body.previous_response_id !== undefined && body.previous_response_id !== null) return '`previous_response_id`';
  if (body.conversation !== undefined && body.conversation !== null) return '`conversation`';
  if (typeof body.prompt === 'object' && body.prompt !== null) return 'a stored `prompt`';
  const input = Array.isArray(body.input) ? body.input : [];
  if (input.some((i) => typeof i === 'object' && i !== null && (i as { type?: unknown }).type === 'item_reference')) return 'an `item_reference` input item';
  return null;
}

/** Anthropic tool types the provider runs itself (network, code, MCP): never the agent's sandbox. */
const ANTHROPIC_SERVER_TOOL = /^(web_search|web_fetch|code_execution|mcp)/;
/** OpenAI tool types the provider runs itself (Responses API). */
const OPENAI_SERVER_TOOLS = new Set(['web_search', 'web_search_preview', 'file_search', 'code_interpreter', 'mcp', 'image_generation']);

/**
 * Why a billed request may not be forwarded, or null: it asks the provider to act on the network
 * or run code for the agent (server-side tools: web search and fetch, MCP servers, code
 * interpreters; `web_search_options`; OpenRouter's `plugins`) or to work in the background
 * (`background: true`). Those reach outside the sandbox on the agent's behalf, and their per-use
 * fees and deferred spend are not in a reply's token usage. Function (client-side) tools pass.
 * Also refused: a content part whose source the provider would fetch (an `http(s)` image or file
 * URL, an Anthropic `source: {type: 'url'|'file'}`, a `file_id`): a way out of the sandbox (the
 * URL can carry data to any host) and a prompt its bytes do not bound. Inline `data:` URLs and
 * base64 sources pass. And context the provider stores (`storedContext`): a prompt its bytes do not bound.
 */
export function serverSideFeature(dialect: Dialect, body: Readonly<Record<string, unknown>>): string | null {
  const why = (what: string): string => `fixbench proxy: ${what} is refused: the provider would act outside the sandbox for the agent, and its fees are not metered (use function tools the agent runs itself)`;
  if (body.mcp_servers !== undefined) return why('`mcp_servers`');
  if (body.background === true) return why('`background: true`');
  if (body.web_search_options !== undefined) return why('`web_search_options`');
  if (body.plugins !== undefined) return why('`plugins`');
  const tools = Array.isArray(body.tools) ? body.tools : [];
  for (const t of tools) {
    const type = typeof t === 'object' && t !== null && typeof (t as { type?: unknown }).type === 'string' ? (t as { type: string }).type : null;
    if (type === null) continue;
    if (dialect === 'anthropic' ? ANTHROPIC_SERVER_TOOL.test(type) : OPENAI_SERVER_TOOLS.has(type)) return why(`the server-side tool \`${type}\``);
  }
  const stored = storedContext(body);
  if (stored) return `fixbench proxy: ${stored} is refused: the provider would replay context it stores, whose prompt tokens the request's bytes do not bound (a cut reply would be recorded far below its bill); send the whole conversation in \`input\` (\`store: false\`)`;
  const remote = requestMedia(body).remote[0];
  if (remote) {
    const shown = remote.source.length > 80 ? `${remote.source.slice(0, 80)}…` : remote.source;
    return `fixbench proxy: the remote source \`${shown}\` (${remote.where}) is refused: the provider would fetch it outside the sandbox for the agent, and its prompt tokens are not bounded by the request; send the content inline (a data: URL or a base64 source)`;
  }
  return null;
}
