// pytest runs every conftest.py from the rootdir down to a test file's folder around that file's
// tests: an autouse fixture or a hook there that reads the running test's name (`request.node.name`,
// `item.nodeid`) tells a canary copy, whose name is new, from its original, so an honest run's copy
// may come out otherwise (a fixture loading data keyed by the test's name) and an honest gold read
// `tampered`. The hosts below such a conftest.py get no copy (canary-python.ts), as a file reading
// its own tests' names gets none. So do the hosts of a run loading a plugin module that does
// (`pytest_plugins = [...]` in a conftest.py, `-p mod` in test_cmd or a config file's addopts).
// conftest.py and config files are protected (protected-rule.ts): what is read here is base_commit's
// text with test.patch's changes, never the patch's; a plugin module is read through `readBase`
// (base_commit's text where the patch changed it).
import { posix } from 'node:path';
import { conftestReadsTestNames } from './canary-python-parse.ts';

/**
 * The files of `hosts` (repository-relative paths) with a conftest.py that reads tests' names
 * (canary-python-parse.ts `conftestReadsTestNames`) in their folder or any folder above it up to
 * the repository's root — or every host, when a plugin module the run loads reads them
 * (`plugins`: `pytest_plugins` of those conftest.py files, `-p mod` in test_cmd or in a config file
 * at the root; a module `a.b` read as `a/b.py` or `a/b/__init__.py` from the root). `read` gives a
 * repository-relative file's text, null when absent (each conftest.py is read once).
 */
export async function hostsNamedByConftest(hosts: Iterable<string>, read: (file: string) => Promise<string | null>, plugins?: PluginSources): Promise<Set<string>> {
  const modules = new Set<string>(pluginNames(plugins?.testCmd ?? ''));
  const seen = new Map<string, Promise<boolean>>(); // folder → its conftest.py reads names
  const reads = (folder: string): Promise<boolean> => {
    let r = seen.get(folder);
    if (!r) {
      r = read(folder === '.' ? 'conftest.py' : `${folder}/conftest.py`).then((t) => {
        if (t === null) return false;
        for (const m of conftestPlugins(t)) modules.add(m);
        return conftestReadsTestNames(t);
      }, () => false);
      seen.set(folder, r);
    }
    return r;
  };
  const list = [...hosts];
  const out = new Set<string>();
  for (const file of list) {
    const folders: string[] = [];
    for (let d = posix.dirname(file); ; d = posix.dirname(d)) {
      folders.push(d);
      if (d === '.' || d === '/' || d === '') break;
    }
    if ((await Promise.all(folders.map(reads))).some(Boolean)) out.add(file);
  }
  if (plugins) {
    for (const c of CONFIG_FILES) { const t = await read(c).catch(() => null); if (t !== null) for (const m of pluginNames(t)) modules.add(m); }
    // a module is looked up from the root, `src/` and each PYTHONPATH folder test_cmd sets (a src layout: atkG21 E)
    const dirs = ['', 'src/', ...[...plugins.testCmd.matchAll(/\bPYTHONPATH=["']?([^\s"']+)/g)].flatMap((m) => m[1]!.split(':')).filter((d) => d !== '' && d !== '.' && !d.startsWith('/') && !d.includes('..') && !d.includes('$')).map((d) => `${d.replace(/^\.\//, '').replace(/\/$/, '')}/`)];
    for (const m of modules) {
      const path = m.replace(/\./g, '/');
      for (const f of [...new Set(dirs)].flatMap((d) => [`${d}${path}.py`, `${d}${path}/__init__.py`])) {
        const t = await plugins.readBase(f).catch(() => null);
        if (t !== null && conftestReadsTestNames(t)) return new Set(list);
      }
    }
  }
  return out;
}

/** Where a run's plugin modules are named beside conftest.py: test_cmd, and plugin modules' text as base_commit has it. */
export interface PluginSources {
  testCmd: string;
  readBase: (file: string) => Promise<string | null>;
}

/** pytest's config files at the repository's root whose addopts may load a plugin (`-p mod`). */
const CONFIG_FILES = ['pytest.toml', '.pytest.toml', 'pytest.ini', '.pytest.ini', 'pyproject.toml', 'tox.ini', 'setup.cfg'];

/** The modules `-p mod` (or `-pmod`) loads in `text` (a command or a config file's addopts), and a command's `PYTEST_PLUGINS=a,b`; `-p no:x` disables, never loads. */
export function pluginNames(text: string): string[] {
  const env = [...text.matchAll(/\bPYTEST_PLUGINS=["']?([\w.,]+)/g)].flatMap((m) => m[1]!.split(',').filter((x) => x !== ''));
  return [...env, ...[...text.matchAll(/(?:^|[\s"'=,[])-p\s*([A-Za-z_][\w.]*)(?![\w.:])/g)].map((m) => m[1]!)];
}

/** The modules a conftest.py's `pytest_plugins = ...` (a string, list or tuple of strings) names. */
export function conftestPlugins(text: string): string[] {
  const m = /^pytest_plugins\s*=\s*([\s\S]*?)(?=\n\S|(?![\s\S]))/m.exec(text);
  return m ? [...m[1]!.matchAll(/["']([A-Za-z_][\w.]*)["']/g)].map((x) => x[1]!) : [];
}
