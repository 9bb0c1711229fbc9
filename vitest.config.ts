import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit+contract',
          include: ['libs/**/*.test.ts', 'services/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/containers/**'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        // test/containers: Docker containers of the image, one file at a time, after the rest
        // (groupOrder) so they do not compete for the two cores with the in-process suites.
        extends: true,
        test: {
          name: 'containers',
          include: ['test/containers/**/*.test.ts'],
          globalSetup: ['test/containers/global-setup.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
