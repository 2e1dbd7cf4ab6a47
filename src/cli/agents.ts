// `fixbench agents install|list` (issue 20.2): the built-in agent presets, their pinned and installed
// versions and protocols; installs the pinned CLIs into fixbench's cache (`$FIXBENCH_CACHE_DIR/agents`).
import { UserInputError } from '../core/errors.ts';
import { AGENT_PRESETS, findPreset, presetPrefix } from '../agents/presets.ts';
import { installPreset, readInstall } from '../agents/install.ts';
import { defaultCacheDir } from '../workspace/env-cache.ts';
import { commandPrefix } from './hints.ts';

/**
 * Installs the named presets (`all` = every one). Exit 0 when all installed, 1 when one failed (the
 * others are still installed).
 * @throws UserInputError for an unknown id.
 */
export async function agentsInstallCommand(ids: string[], o: { force?: boolean } = {}): Promise<number> {
  const want = ids.includes('all') ? AGENT_PRESETS.map((p) => p.id) : [...new Set(ids)];
  const unknown = want.filter((id) => !findPreset(id));
  if (unknown.length) throw new UserInputError(`agents install: unknown preset(s) ${unknown.join(', ')}; presets: ${AGENT_PRESETS.map((p) => p.id).join(', ')}, or all`);
  const cache = defaultCacheDir();
  let failed = 0;
  for (const id of want) {
    const p = findPreset(id)!;
    process.stderr.write(`installing ${id} into ${presetPrefix(cache, p)}\n`);
    try {
      const m = await installPreset(cache, p, o);
      process.stdout.write(`${id}: ${m.package}@${m.version} installed (reports ${m.reported_version})${m.node ? `, Node ${m.node}` : ''}\n`);
    } catch (e) {
      failed++;
      process.stdout.write(`${id}: FAILED: ${(e as Error).message}\n`);
    }
  }
  return failed ? 1 : 0;
}

/** Lists the presets: id, package, pinned version, installed version, protocols. */
export async function agentsListCommand(o: { json?: boolean } = {}): Promise<number> {
  const cache = defaultCacheDir();
  const rows = await Promise.all(
    AGENT_PRESETS.map(async (p) => {
      const m = await readInstall(cache, p);
      return { id: p.id, package: p.package, pinned: p.version, installed: m?.version ?? null, node: p.node ?? null, protocols: p.protocols, prefix: presetPrefix(cache, p) };
    }),
  );
  if (o.json) {
    process.stdout.write(JSON.stringify({ cache_dir: cache, presets: rows }, null, 2) + '\n');
    return 0;
  }
  const table = [['id', 'package', 'pinned', 'installed', 'protocols'], ...rows.map((r) => [r.id, r.package, r.pinned + (r.node ? ` (+node ${r.node})` : ''), r.installed ?? '-', r.protocols.join(', ')])];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  for (const row of table) process.stdout.write(row.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd() + '\n');
  process.stdout.write(`\ninstalled under ${cache}/agents (set FIXBENCH_CACHE_DIR to move it); install with: ${commandPrefix()} agents install <id…|all>\n`);
  process.stdout.write('A models.yaml agents: entry with a preset\'s id replaces that preset (docs/agents.md).\n');
  return 0;
}
