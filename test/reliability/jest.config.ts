import type { Config } from 'jest';

/**
 * The reliability suite (`npm run test:reliability`): gateway child processes under load with
 * injected faults. One scenario at a time: they time restarts and drains, on a shared machine.
 */
const config: Config = {
  displayName: 'reliability',
  rootDir: '../..',
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['<rootDir>/test/reliability/**/*.reliability-spec.ts'],
  maxWorkers: 1,
  testTimeout: 150_000,
  setupFilesAfterEnv: ['<rootDir>/test/reliability/support/retry-once.ts'],
};

export default config;
