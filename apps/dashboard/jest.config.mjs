import preset from '../../jest.preset.mjs';

// Unit tests of the dashboard's pure logic and components (rendered to HTML in node), and the bundle budget.
// The real-browser tests are apps/e2e/test/dashboard (Chromium against npm start).
export default {
  ...preset,
  displayName: 'dashboard',
  testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/test/**/*.test.tsx'],
  moduleFileExtensions: ['ts', 'tsx', 'js', 'mjs', 'cjs', 'json'],
  extensionsToTreatAsEsm: ['.ts', '.tsx'],
  transform: {
    ...preset.transform,
    '^.+\\.tsx$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript', tsx: true }, transform: { react: { runtime: 'automatic' } }, target: 'es2023' } }],
  },
  // Vite turns CSS imports into stylesheets; here they are nothing.
  moduleNameMapper: { ...preset.moduleNameMapper, '\\.css$': '<rootDir>/test/support/empty-style.cjs' },
  testTimeout: 30_000,
};
