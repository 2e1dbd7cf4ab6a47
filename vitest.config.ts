import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // rebuilds dist/ (the compiled CLI that e2e tests spawn) when src/ is newer than it
    globalSetup: ['test/helpers/global-setup.ts'],
  },
});
