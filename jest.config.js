/** One jest run covers the unit specs under src/ and the contract, adapter and e2e suites under test/. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest'],
    // @zitadel/node (ZITADEL's gRPC client, used by the RPC tests) ships ES modules only: compiled to CommonJS here.
    '^.+\\.m?js$': ['@swc/jest', { swcrc: false, jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!@zitadel/node/)'],
  testTimeout: 60000,
  maxWorkers: 2,
};
