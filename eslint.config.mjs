import nx from '@nx/eslint-plugin';
import reactHooks from 'eslint-plugin-react-hooks';

/**
 * Project boundaries: a lib never imports an app, and apps never import each
 * other (they share code only through libs). `appDeps` are what an app may use
 * (its tests may also use the mock target in tools/); `testDeps` what any test may
 * use besides (the jest helpers, tagged type:test).
 */
function boundaries(appDeps, testDeps = []) {
  return {
    enforceBuildableLibDependency: false,
    allow: [],
    depConstraints: [
      { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib', ...testDeps] },
      { sourceTag: 'type:app', onlyDependOnLibsWithTags: [...appDeps, ...testDeps] },
      // A tool's tests may use the fixtures apps' tests use (tools/stack's starts the mock target); its sources may not.
      { sourceTag: 'type:tool', onlyDependOnLibsWithTags: [...new Set(['type:lib', ...appDeps]), ...testDeps] },
      { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib', 'type:tool', ...testDeps] },
      { sourceTag: 'type:test', onlyDependOnLibsWithTags: [] },
    ],
  };
}

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    ignores: ['**/dist', '**/node_modules', '**/generated', '**/.data', 'bench-results', 'test-results'],
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      // Project boundaries: a lib never imports an app, apps never import each other.
      '@nx/enforce-module-boundaries': ['error', boundaries(['type:lib'])],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // With noUncheckedIndexedAccess, `!` marks an index we know is present; type-checking covers the rest.
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-console': 'error',
    },
  },
  {
    // The dashboard's React components: the rules of hooks.
    files: ['apps/dashboard/**/*.tsx', 'apps/dashboard/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  {
    // Tests may start the mock target from tools/ as a fixture, and use the jest helpers; sources may not.
    files: ['**/test/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', boundaries(['type:lib', 'type:tool'], ['type:test'])],
    },
  },
];
