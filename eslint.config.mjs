// ESLint flat config. Errors and warnings both fail (`--max-warnings 0`).
// The engine boundary is enforced here as well as by extension/engine/tsconfig.json.
import tseslint from 'typescript-eslint';

const engineGlobs = ['extension/engine/**/*.ts', 'extension/cli/**/*.ts', 'extension/worker/**/*.ts', 'extension/test/unit/**/*.ts', 'extension/bench/**/*.ts'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.vscode-test/**', 'out/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: engineGlobs,
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'The engine must not import vscode (see ARCHITECTURE.md).' }] }],
    },
  },
);
