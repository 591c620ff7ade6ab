/** Real-S3 tier (`npm run test:results`): `npm run results` against a MinIO server built from its Go module. */
module.exports = {
  preset: "ts-jest",
  testEnvironment: "node",
  rootDir: "../..",
  roots: ["<rootDir>/test/s3"],
  transform: { "^.+\\.ts$": ["ts-jest", {}] },
  testTimeout: 60000,
};
