// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import boundaries from 'eslint-plugin-boundaries';
import globals from 'globals';

/**
 * The layers of the app (docs/ARCHITECTURE.md) and the arrows between them, enforced by
 * eslint-plugin-boundaries so that a forbidden import fails lint. Every file under these folders is
 * classified by the first pattern it matches; tests, bench and tools are not layers and are not checked.
 */
const LAYERS = [
  { type: 'contract', pattern: 'src-preload/contract' },
  { type: 'preload', pattern: 'src-preload' },
  { type: 'shared', pattern: 'src-shared' },
  { type: 'core', pattern: 'src-main/core' },
  { type: 'electron', pattern: 'src-main/electron' },
  { type: 'server', pattern: 'src-main/server' },
  { type: 'cli', pattern: 'src-main/cli' },
  { type: 'renderer-model', pattern: 'src-renderer/model' },
  { type: 'renderer-bridge', pattern: 'src-renderer/bridge' },
  { type: 'renderer-state', pattern: 'src-renderer/state' },
  { type: 'renderer-tools', pattern: 'src-renderer/tools' },
  { type: 'renderer-canvas', pattern: 'src-renderer/canvas' },
  { type: 'renderer-features', pattern: 'src-renderer/features' },
  { type: 'renderer-app', pattern: 'src-renderer' },
].map((layer) => ({ ...layer, partialMatch: false }));

const RENDERER = ['renderer-model', 'renderer-bridge', 'renderer-state', 'renderer-tools', 'renderer-canvas'];
const layer = (...types) => ({ element: { types: { anyOf: types } } });
const externalModule = (...sources) => ({ module: { origin: 'external', source: sources } });

/** Who may not import whom. Anything not forbidden here is allowed. */
const ARROWS = [
  {
    from: layer('core'),
    disallow: { to: [layer('electron', 'server', 'cli'), externalModule('electron', 'electron/*')] },
    message: 'src-main/core is the application layer: it never imports an adapter (electron, server, cli).',
  },
  {
    from: layer('electron'),
    disallow: { to: layer('server') },
    message: 'The Electron adapter never imports the browser-mode server.',
  },
  {
    from: layer('server'),
    disallow: { to: [layer('electron'), externalModule('electron', 'electron/*')] },
    message: 'The browser-mode server never imports the Electron adapter.',
  },
  {
    from: layer('cli'),
    disallow: {
      to: [
        { element: { types: { anyOf: ['core'] }, fileInternalPath: '!api.ts' } },
        layer('electron', 'server'),
      ],
    },
    message:
      'The CLI is an adapter: it reaches core only through the service factory (src-main/core/api.ts) and @contract.',
  },
  {
    from: layer(...RENDERER, 'renderer-features', 'renderer-app'),
    disallow: {
      to: [
        layer('core', 'electron', 'server', 'cli', 'preload'),
        { module: { origin: 'core' } },
        externalModule('electron', 'electron/*'),
      ],
    },
    message:
      'The renderer talks to main through the bridge only (no main code, no node built-ins, no electron).',
  },
  {
    from: layer('renderer-model'),
    disallow: {
      to: [
        layer(
          'renderer-bridge',
          'renderer-state',
          'renderer-tools',
          'renderer-canvas',
          'renderer-features',
          'renderer-app',
        ),
        externalModule('react', 'react-*', 'react/*', 'konva', 'konva/*', 'zustand', 'zustand/*'),
      ],
    },
    message: 'src-renderer/model is pure TypeScript: no React, Konva, bridge or UI code.',
  },
  {
    from: layer('renderer-features'),
    disallow: { to: layer('renderer-app') },
    message: 'Features use the model, tools, canvas, bridge and state, never src-renderer/app internals.',
  },
  {
    from: layer('contract'),
    disallow: {
      to: [
        { element: { types: { noneOf: ['contract'] } } },
        { module: { origin: 'core' } },
        { module: { origin: 'external', source: '!zod' } },
      ],
    },
    message: 'The contract depends on zod and on itself only.',
  },
  {
    from: layer('shared'),
    disallow: {
      to: [
        { element: { types: { noneOf: ['shared'] } } },
        { module: { origin: 'core' } },
        { module: { origin: 'external' } },
      ],
    },
    message: 'src-shared is pure and self-contained: it imports nothing but itself.',
  },
  {
    from: layer('electron', 'server', 'preload', 'contract'),
    disallow: { to: layer('shared') },
    message: 'src-shared is for core, the renderer and the CLI (its pure formatting).',
  },
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'out/**',
      'dist/**',
      'tests/e2e/artifacts/**',
      'tools/export-radio/**',
      'coverage/**',
      // AssemblyScript (i32, load<T>, v128…): asc type-checks it when `npm run build:wasm` compiles it.
      'wasm/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: ['*.js', '*.mjs', 'scripts/*.mjs', 'bin/*.mjs'],
        },
        tsconfigRootDir: import.meta.dirname,
      },
      globals: { ...globals.node },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['src-main/**/*.ts', 'src-preload/**/*.ts', 'src-shared/**/*.ts', 'src-renderer/**/*.{ts,tsx}'],
    plugins: { boundaries },
    settings: {
      'import/resolver': {
        typescript: { project: ['tsconfig.node.json', 'tsconfig.web.json'], noWarnOnMultipleProjects: true },
      },
      'boundaries/elements': LAYERS,
    },
    rules: {
      'boundaries/dependencies': ['error', { default: 'allow', checkAllOrigins: true, policies: ARROWS }],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    files: ['tests/**/*.{ts,tsx}', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
);
