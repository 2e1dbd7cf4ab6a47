// zod schema of the `agents:` section of models.yaml: external agent CLIs run by the `command` agent
// (DESIGN.md §5), each benchmarked against the selected models through the metering proxy.
import Handlebars from 'handlebars';
import { z } from 'zod';

/** Placeholders a command template may use; each is substituted single-quoted for the shell. */
export const COMMAND_PLACEHOLDERS = ['problem_file', 'workspace', 'model', 'base_url', 'anthropic_base_url', 'api_key', 'instance_id'] as const;

/** Names that look like credentials: never passed from the host to an external agent. */
export const SECRET_ENV_NAME = /(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH)/i;

/** Variables fixbench sets for every external agent (the proxy route and the task); `vars` cannot override them. */
export const RESERVED_AGENT_VARS = [
  'OPENAI_BASE_URL', 'OPENAI_API_BASE', 'OPENAI_API_KEY', 'ANTHROPIC_BASE_URL', 'ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN',
  'FIXBENCH_PROBLEM_FILE', 'FIXBENCH_WORKSPACE', 'FIXBENCH_MODEL', 'FIXBENCH_INSTANCE_ID',
] as const;

/** Agent ids taken by built-in agents. */
export const BUILTIN_AGENT_IDS = ['bash', 'gold', 'noop'] as const;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Problems of a command template: it must parse, and use only `{{placeholder}}` substitutions from
 * COMMAND_PLACEHOLDERS (no blocks, partials or helpers). Returns messages; [] when fine.
 */
export function commandTemplateProblems(template: string): string[] {
  let ast: hbs.AST.Program;
  try {
    ast = Handlebars.parse(template);
  } catch (e) {
    return [`does not parse as a template: ${(e as Error).message.split('\n')[0]}`];
  }
  const problems: string[] = [];
  for (const node of ast.body) {
    if (node.type === 'ContentStatement' || node.type === 'CommentStatement') continue;
    if (node.type !== 'MustacheStatement') {
      problems.push('only {{placeholder}} substitutions are allowed (no blocks, partials or helpers)');
      continue;
    }
    const m = node as hbs.AST.MustacheStatement;
    const name = m.path.type === 'PathExpression' ? (m.path as hbs.AST.PathExpression).original : String(m.path.type);
    if (m.params.length || !(COMMAND_PLACEHOLDERS as readonly string[]).includes(name)) {
      problems.push(`unknown placeholder {{${name}}}; known: ${COMMAND_PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`);
    }
  }
  return problems;
}

/** One external agent. */
export const AgentSpec = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-" only'),
    /** What the agent is (free text, shown in `--help`-style listings). */
    description: z.string().optional(),
    /** Handlebars command template, run with `bash -c` at the workspace root. */
    command: z.string().min(1),
    /** Host variables passed through by name (never credentials). */
    env: z.array(z.string().regex(ENV_NAME, 'an environment variable name').refine((n) => !SECRET_ENV_NAME.test(n), {
      error: 'looks like a credential: never passed to an agent (it gets a per-attempt proxy key in OPENAI_API_KEY / ANTHROPIC_API_KEY)',
    })).default([]),
    /** Literal variables for the agent. */
    vars: z.record(z.string(), z.string()).default({}),
    /** Wall-time limit of the agent, seconds (default: `--attempt-timeout`; the smaller applies). */
    timeout_s: z.number().positive().optional(),
    /**
     * What the agent's process can reach. `proxy` (default): nothing but the metering proxy (under
     * `bwrap`: no network of its own). `host`: the host's whole network, for a CLI that truly needs
     * it; fixbench warns, and run.json and the report record it.
     */
    network: z.enum(['proxy', 'host']).default('proxy'),
  })
  .strict()
  .superRefine((a, ctx) => {
    if ((BUILTIN_AGENT_IDS as readonly string[]).includes(a.id.toLowerCase())) ctx.addIssue({ code: 'custom', path: ['id'], message: `"${a.id}" is a built-in agent; pick another id` });
    for (const p of commandTemplateProblems(a.command)) ctx.addIssue({ code: 'custom', path: ['command'], message: p });
    for (const name of Object.keys(a.vars)) {
      if (!ENV_NAME.test(name)) ctx.addIssue({ code: 'custom', path: ['vars', name], message: `"${name}" is not an environment variable name` });
      else if ((RESERVED_AGENT_VARS as readonly string[]).includes(name)) ctx.addIssue({ code: 'custom', path: ['vars', name], message: `${name} is set by fixbench (the metering proxy route) and cannot be overridden` });
    }
  });
export type AgentSpec = z.infer<typeof AgentSpec>;
