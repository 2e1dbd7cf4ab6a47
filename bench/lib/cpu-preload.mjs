// Preloaded into a fixbench process by the benches (`node --import`): on exit, writes the CPU time
// of that process alone (user + system, µs; not its children: git, tests, the sandbox) and its peak
// resident memory (`max_rss_kib`, KiB) to $FIXBENCH_BENCH_CPU_FILE as JSON {user, system, max_rss_kib}.
import { writeFileSync } from 'node:fs';

const file = process.env.FIXBENCH_BENCH_CPU_FILE;
if (file) process.on('exit', () => writeFileSync(file, JSON.stringify({ ...process.cpuUsage(), max_rss_kib: process.resourceUsage().maxRSS })));
