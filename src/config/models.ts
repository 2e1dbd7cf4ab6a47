// zod schema of `models.yaml` (DESIGN.md §3): each model named once, with its route and price row.
import { z } from 'zod';
import { AgentSpec } from './agents.ts';
import { RouteSpec } from './routes.ts';

export const ModelSpec = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-" only'),
    name: z.string().optional(),
    provider: z.string().min(1),
    /**
     * Wire protocol: OpenAI-compatible Chat Completions (`openai`) or Anthropic Messages (`anthropic`);
     * the same names as the metering proxy's dialects. The older spelling `openai-chat` is read as `openai`.
     */
    api: z.preprocess((v) => (v === 'openai-chat' ? 'openai' : v), z.enum(['openai', 'anthropic'])),
    /** For `openai` the URL that `/chat/completions` is appended to (e.g. …/v1); for `anthropic` the root `/v1/messages` is appended to (https://api.anthropic.com). */
    base_url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL, e.g. https://openrouter.ai/api/v1' }),
    api_key_env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name such as OPENROUTER_API_KEY'),
    /** Model name sent upstream, e.g. an OpenRouter slug `deepseek/deepseek-v3.2`. */
    model: z.string().min(1),
    vendor: z.string().min(1),
    region: z.string().min(2),
    params: z.record(z.string(), z.unknown()).default({}),
    /** Key of this model's row in the price sheet; defaults to `id`. */
    price: z.string().optional(),
    /**
     * Stream replies (server-sent events). Usage then arrives in the last chunk or event; a stream
     * cut before it leaves the call's tokens unknown (its cost null), and the call is retried.
     */
    stream: z.boolean().default(false),
    /** Whether to use native tool calls (true) or the fenced-block protocol (false). */
    tool_calls: z.boolean().default(true),
    /**
     * What the model accepts as input (OpenRouter's `architecture.input_modalities` terms):
     * `[text]` (the default) or `[text, image]`. The built-in agent shows a task's images
     * (`problem_assets/`) only to models that list `image`; others get the images' names and a
     * note that they cannot be shown.
     */
    input: z
      .array(z.enum(['text', 'image'], { error: 'must be "text" or "image"' }))
      .refine((l) => l.includes('text'), 'must include "text" (fixbench sends text to every model)')
      .default(['text']),
    /** Anthropic prompt-cache breakpoints in the bash agent's requests; default: on when `model` names a Claude model. */
    cache_control: z.boolean().optional(),
    /**
     * The endpoint is itself a router (OpenRouter's `openrouter/auto`, a ClawRouter-style proxy): each
     * call is priced by the model its reply names (`model`), from the price sheet, not by this entry's
     * row; a served model missing from the sheet is an unknown cost (docs/routing.md).
     */
    router: z.boolean().optional(),
    source: z.string().optional(),
  })
  .strict();
export type ModelSpec = z.infer<typeof ModelSpec>;

export const ModelsFile = z
  .object({
    models: z.array(ModelSpec).min(1),
    /** External agent CLIs (`command` agent), chosen with `fixbench run --agents`. */
    agents: z.array(AgentSpec).default([]),
    /** Step-routing contenders of the built-in agent: two of the models above, picked per step by a policy. */
    routes: z.array(RouteSpec).default([]),
  })
  .strict()
  .superRefine((f, ctx) => {
    const seen = new Set<string>();
    f.models.forEach((m, i) => {
      if (seen.has(m.id)) ctx.addIssue({ code: 'custom', path: ['models', i, 'id'], message: `duplicate model id "${m.id}"` });
      seen.add(m.id);
    });
    const agents = new Set<string>();
    f.agents.forEach((a, i) => {
      if (agents.has(a.id)) ctx.addIssue({ code: 'custom', path: ['agents', i, 'id'], message: `duplicate agent id "${a.id}"` });
      agents.add(a.id);
    });
    f.routes.forEach((r, i) => {
      if (seen.has(r.id)) ctx.addIssue({ code: 'custom', path: ['routes', i, 'id'], message: `"${r.id}" is already a model or route id; give the route its own id` });
      seen.add(r.id);
      const arms = { cheap: f.models.find((m) => m.id === r.cheap), strong: f.models.find((m) => m.id === r.strong) };
      for (const arm of ['cheap', 'strong'] as const) {
        if (!arms[arm]) ctx.addIssue({ code: 'custom', path: ['routes', i, arm], message: `no model "${r[arm]}" in models:; use one of ${f.models.map((m) => m.id).join(', ')}` });
      }
      if (r.cheap === r.strong) ctx.addIssue({ code: 'custom', path: ['routes', i, 'strong'], message: 'cheap and strong name the same model; route between two models' });
      if (arms.cheap && arms.strong && arms.cheap.tool_calls !== arms.strong.tool_calls) {
        ctx.addIssue({ code: 'custom', path: ['routes', i, 'strong'], message: `${r.cheap} and ${r.strong} differ in tool_calls; one conversation needs one protocol: set the same tool_calls on both models` });
      }
    });
  });
export type ModelsFile = z.infer<typeof ModelsFile>;
