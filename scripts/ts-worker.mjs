// Starts a worker thread's TypeScript module from the sources (src/), through tsx's module API:
// Node 20's `--import` does not reach a worker, so a worker run under vitest or tsx (tests, bench)
// loads its entry this way. Used only when fixbench runs from src/; the built CLI (dist/) starts
// its workers' .js files directly and never loads tsx. workerData.tsEntry: the module's file URL.
import { workerData } from 'node:worker_threads';

const api = await import('tsx/esm/api');
await api.tsImport(workerData.tsEntry, workerData.tsEntry);
