// Agent factory: the reference agents and the built-in `bash` agent by name.
import { BashAgent, type BashAgentOptions } from './bash.ts';
import { CommandAgent, type CommandAgentOptions } from './command.ts';
import { GoldAgent } from './gold.ts';
import { NoopAgent } from './noop.ts';
import type { Agent } from './types.ts';

export type AgentName = 'gold' | 'noop' | 'bash' | 'command';
export { BashAgent, CommandAgent, GoldAgent, NoopAgent, type BashAgentOptions, type CommandAgentOptions };

/**
 * Creates an agent by name. `bash` needs its options (at least `toolCalls`, from `ModelSpec.tool_calls`);
 * `gold` and `noop` take none.
 * @throws Error for an unknown name, or `bash` without options.
 */
export function createAgent(name: 'gold' | 'noop'): Agent;
export function createAgent(name: 'bash', opts: BashAgentOptions): Agent;
export function createAgent(name: 'command', opts: CommandAgentOptions): Agent;
export function createAgent(name: AgentName, opts?: BashAgentOptions | CommandAgentOptions): Agent;
export function createAgent(name: AgentName, opts?: BashAgentOptions | CommandAgentOptions): Agent {
  switch (name) {
    case 'gold':
      return new GoldAgent();
    case 'noop':
      return new NoopAgent();
    case 'bash':
      if (!opts) throw new Error('createAgent("bash") needs options: { toolCalls }');
      return new BashAgent(opts as BashAgentOptions);
    case 'command':
      if (!opts || !('command' in opts)) throw new Error('createAgent("command") needs options: { id, command }');
      return new CommandAgent(opts);
    default:
      throw new Error(`unknown agent "${String(name)}"; known: gold, noop, bash, command`);
  }
}
