// Vitest global set-up: rebuilds the compiled CLI (dist/) when src/ is newer than the build, so
// e2e tests that spawn bin/fixbench.mjs run the current sources in any checkout.
import { build } from '../../scripts/build.mjs';

export default async function setup(): Promise<void> {
  await build({ ifStale: true });
}
