/** Unit tests of the integration harness's pure logic (run by test/integration/run.sh before the live run). */
module.exports = {
  preset: "ts-jest",
  testEnvironment: "node",
  rootDir: "../..",
  roots: ["<rootDir>/test/integration/unit"],
  transform: { "^.+\\.ts$": ["ts-jest", {}] },
};
