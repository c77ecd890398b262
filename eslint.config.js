// Lint: typescript-eslint's recommended rules, plus the layer boundaries of
// docs/ARCHITECTURE.md ("Layers"). The boundaries are import rules: a file in a
// layer may import only from the layers below it. scripts/check-architecture.ts
// adds what an import rule cannot see (folder cycles, module size).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Relative imports that reach into a folder, whatever the depth ("../../apps/web/x",
 * or "../cli/main" from a sibling app). Matching is on the import's text, so the
 * folder names of layers (lib, learn, platform, apps, testing), of apps (web, cli,
 * server) and of platforms (browser, node) are used for nothing else in src/.
 */
const into = (...folders) => folders.flatMap((f) => [`**/${f}`, `**/${f}/**`]);
const OUTSIDE_SRC = {
  group: ['**/bench', '**/bench/**', '**/scripts', '**/scripts/**', '**/e2e', '**/e2e/**'],
  message: 'src/ never imports bench/, scripts/ or e2e/ (they import src/).',
};
const TESTING = { group: into('testing'), message: 'only tests import src/testing (fixtures are not product code).' };

/** The layer rule for one folder: what it may not import, and why. */
function layer(files, forbidden, extra = {}) {
  return {
    files,
    ignores: ['**/*.test.ts', '**/*.test.tsx'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...forbidden, OUTSIDE_SRC, TESTING], ...extra }],
    },
  };
}
const nodeModules = {
  group: ['node:*'],
  message:
    'src/lib is isomorphic: no node: modules (file system and processes belong to src/learn, src/platform/node or an app).',
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'dist-e2e/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      'public/**',
      'docs/**',
      // bench/device/'s bundles and the webgpu package carried to a GPU machine (git-ignored)
      '.device-check/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // The type checker (noUnusedLocals/Parameters) already reports these, with the same `_` convention.
      '@typescript-eslint/no-unused-vars': 'off',
      'no-undef': 'off', // TypeScript resolves names; this rule does not know DOM/worker/Node globals apart.
    },
  },
  layer(
    ['src/lib/**'],
    [
      nodeModules,
      {
        group: into('platform'),
        message: 'src/lib may not import src/platform: pass what it needs in (an interface).',
      },
      {
        group: into('apps'),
        message: 'src/lib may not import src/apps: the apps import the library, not the reverse.',
      },
      { group: into('learn'), message: 'src/lib may not import src/learn (Node-only training and evaluation).' },
    ],
  ),
  layer(
    ['src/learn/**'],
    [
      { group: into('browser'), message: 'src/learn runs in Node: no browser platform code.' },
      { group: into('apps'), message: 'src/learn may not import src/apps.' },
    ],
  ),
  layer(
    ['src/platform/browser/**'],
    [
      { group: ['node:*'], message: 'browser platform code may not import node: modules.' },
      { group: into('node'), message: 'browser platform code may not import the Node platform.' },
      { group: into('learn'), message: 'the browser may not import src/learn (Node-only).' },
      { group: into('apps'), message: 'src/platform may not import src/apps.' },
    ],
  ),
  layer(
    ['src/platform/node/**'],
    [
      { group: into('browser'), message: 'Node platform code may not import the browser platform.' },
      { group: into('apps'), message: 'src/platform may not import src/apps.' },
    ],
  ),
  layer(
    ['src/apps/web/**'],
    [
      { group: ['node:*'], message: 'the page may not import node: modules.' },
      { group: into('learn'), message: 'the page may not import src/learn (Node-only).' },
      { group: into('node'), message: 'the page may not import the Node platform.' },
      { group: into('cli', 'server'), message: 'one app may not import another.' },
    ],
  ),
  layer(
    ['src/apps/cli/**'],
    [
      { group: into('browser'), message: 'the CLI may not import the browser platform.' },
      { group: into('web', 'server'), message: 'one app may not import another.' },
    ],
  ),
  layer(
    ['src/apps/server/**'],
    [
      { group: into('browser'), message: 'the server may not import the browser platform.' },
      { group: into('web', 'cli'), message: 'one app may not import another.' },
    ],
  ),
  layer(['src/testing/**'], [{ group: into('apps'), message: 'shared fixtures may not import an app.' }]),
  {
    // Tests may read fixtures from disk, but still respect the layers they test.
    files: ['src/lib/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            OUTSIDE_SRC,
            {
              group: [...into('platform'), ...into('apps'), ...into('learn')],
              message: 'a library test may not import a layer above the library.',
            },
          ],
        },
      ],
    },
  },
);
