/** Default tier: offline, fast. The integration tier has its own config (test/integration). */
module.exports = {
  preset: "ts-jest",
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/test/integration/", "<rootDir>/test/s3/"],
  transform: { "^.+\\.ts$": ["ts-jest", {}] },
  testTimeout: 20000,
};
