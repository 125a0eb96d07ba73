// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

/** Import boundaries from DEVELOPERS.md, enforced here so that a violation fails CI. */
const noElectronInCore = {
  paths: [{ name: 'electron', message: 'src-main/core runs in plain Node: never import electron here.' }],
  patterns: [{ group: ['electron/*'], message: 'src-main/core runs in plain Node.' }],
};
const rendererBoundaries = {
  patterns: [
    { group: ['node:*'], message: 'The renderer never imports node built-ins.' },
    {
      group: ['**/src-main/**', '*/src-main/*'],
      message: 'The renderer talks to main through the bridge only.',
    },
    { group: ['electron'], message: 'The renderer never imports electron.' },
  ],
};
const pureModelBoundaries = {
  patterns: [
    ...rendererBoundaries.patterns,
    {
      group: ['react', 'react-*', 'konva', 'konva/*'],
      message: 'src-renderer/model is pure TS: no React or Konva.',
    },
  ],
};

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
    files: ['src-main/core/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', noElectronInCore] },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'no-restricted-imports': ['error', rendererBoundaries],
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    files: ['src-renderer/model/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', pureModelBoundaries] },
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
