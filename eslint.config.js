// Lint: neostandard (the house style) for TypeScript, with type-aware rules on promises,
// exhaustive switches and type-only imports. Runs over sources and tests, not build output.
import neostandard, { plugins } from 'neostandard'

export default [
  ...neostandard({ ts: true, ignores: ['**/dist/**', '**/node_modules/**', '.tools/**', 'bench/.data/**', 'data/**'] }),
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { '@typescript-eslint': plugins['typescript-eslint'].plugin },
    rules: {
      // `void promise` is how a deliberately unawaited promise is marked for no-floating-promises.
      'no-void': ['error', { allowAsStatement: true }],
      // Load loops run `while (running)` and another task clears the flag: not visible to the rule.
      'no-unmodified-loop-condition': 'off',
      // A `let` that closures read before its one assignment cannot be a const.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error'
    }
  }
]
