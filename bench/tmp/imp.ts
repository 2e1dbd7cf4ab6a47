import { performance } from 'node:perf_hooks';
let s = performance.now();
const lap = (n: string) => { const e = performance.now(); console.log(n, Math.round(e - s)); s = e; };
await import('../../src/cli/main.ts'); lap('main.ts');
await import('../../src/cli/run.ts'); lap('run.ts (all imports)');
await import('vega'); lap('vega');
await import('vega-lite'); lap('vega-lite');
await import('openai'); lap('openai');
