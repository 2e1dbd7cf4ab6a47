// pytest runs every conftest.py from the rootdir down to a test file's folder around that file's
// tests: an autouse fixture or a hook there that reads the running test's name (`request.node.name`,
// `item.nodeid`) tells a canary copy, whose name is new, from its original, so an honest run's copy
// may come out otherwise (a fixture loading data keyed by the test's name) and an honest gold read
// `tampered`. The hosts below such a conftest.py get no copy (canary-python.ts), as a file reading
// its own tests' names gets none. conftest.py files are protected (protected-rule.ts): what is read
// here is base_commit's text with test.patch's changes, never the patch's.
import { posix } from 'node:path';
import { conftestReadsTestNames } from './canary-python-parse.ts';

/**
 * The files of `hosts` (repository-relative paths) with a conftest.py that reads tests' names
 * (canary-python-parse.ts `conftestReadsTestNames`) in their folder or any folder above it up to
 * the repository's root. `read` gives a repository-relative file's text, null when absent (each
 * conftest.py is read once).
 */
export async function hostsNamedByConftest(hosts: Iterable<string>, read: (file: string) => Promise<string | null>): Promise<Set<string>> {
  const seen = new Map<string, Promise<boolean>>(); // folder → its conftest.py reads names
  const reads = (folder: string): Promise<boolean> => {
    let r = seen.get(folder);
    if (!r) {
      r = read(folder === '.' ? 'conftest.py' : `${folder}/conftest.py`).then((t) => t !== null && conftestReadsTestNames(t), () => false);
      seen.set(folder, r);
    }
    return r;
  };
  const out = new Set<string>();
  for (const file of hosts) {
    const folders: string[] = [];
    for (let d = posix.dirname(file); ; d = posix.dirname(d)) {
      folders.push(d);
      if (d === '.' || d === '/' || d === '') break;
    }
    if ((await Promise.all(folders.map(reads))).some(Boolean)) out.add(file);
  }
  return out;
}
