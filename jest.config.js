/** Default tier: offline, fast. The integration tier has its own config (test/integration). */
module.exports = {
  preset: "ts-jest",
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/test/integration/", "<rootDir>/test/s3/"],
  transform: { "^.+\\.ts$": ["ts-jest", { isolatedModules: true }] },
  testTimeout: 20000,
  // Every temporary folder of the run under one directory, removed at the end (test/setup/temp-dir.js).
  globalSetup: "<rootDir>/test/setup/global-setup.js",
  globalTeardown: "<rootDir>/test/setup/global-teardown.js",
  // Jest's default is one worker fewer than the cores: a single worker on a 2-core machine.
  maxWorkers: 2,
};
