// Checks of a run's `--agents` before any work (issue 20): unknown ids, built-in presets not yet
// installed, and agent/model pairs that cannot talk to each other through the proxy.
import type { AgentSpec } from '../config/agents.ts';
import type { PricedModel } from '../config/catalog.ts';
import { UserInputError } from '../core/errors.ts';
import { pairProblem, presetInstalled, presetOfSpec } from './presets.ts';
import path from 'node:path';

/**
 * @param agents the catalog's agents (presets merged, see `withPresets`)
 * @param agentIds `--agents` (may include the built-in `bash`)
 * @param models the selected models
 * @param where the models file, for messages
 * @param o.prefix the words that start fixbench in the install hint (src/cli/hints.ts `commandPrefix()`; default `fixbench`)
 * @param o.forecast a `--dry-run`: a preset not installed yet is no refusal (a forecast runs nothing)
 * @throws UserInputError naming the unknown ids, the presets to install (`fixbench agents install <id>`),
 *   or each pair that cannot work and why.
 */
export function checkRunAgents(agents: readonly AgentSpec[], agentIds: readonly string[], models: readonly PricedModel[], where: string, o: { prefix?: string; forecast?: boolean } = {}): void {
  const unknown = agentIds.filter((a) => a !== 'bash' && !agents.some((x) => x.id === a));
  if (unknown.length) {
    throw new UserInputError(
      `--agents: unknown agent id(s) ${unknown.join(', ')}; known: ${['bash', ...agents.map((a) => a.id)].join(', ')} (declare external agents in the agents: section of ${where}; see docs/agents.md)`,
    );
  }
  const problems: string[] = [];
  const missing: string[] = [];
  for (const id of agentIds) {
    const spec = agents.find((x) => x.id === id);
    const preset = spec ? presetOfSpec(spec) : undefined;
    if (!preset) continue;
    if (!presetInstalled(path.dirname(path.dirname(preset.prefix)), preset.preset)) missing.push(id);
    for (const m of models) {
      const p = pairProblem(id, m.spec.api, true);
      if (p) problems.push(`${m.spec.id}@${id}: ${p}`);
    }
  }
  if (missing.length && !o.forecast) {
    throw new UserInputError(`--agents: ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not installed; run \`${o.prefix ?? 'fixbench'} agents install ${missing.join(' ')}\` first (it installs the pinned CLI into fixbench's cache)`);
  }
  if (problems.length) throw new UserInputError(`--agents × --models: these pairs cannot work: ${problems.join('; ')}; drop the agent or the model`);
}
