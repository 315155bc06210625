/** docker-compose.yml is accepted by Debian's docker-compose 1.29 (`config`), and the settings in .env reach
 * the Tiller services (compose reads .env for the file's ${...}; no env_file, which 1.29 cannot make optional). */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/tiller-process.js';

const NEED = 'docker-compose not found: install the Debian package `docker-compose` (.ci/run does)';

describe('docker-compose.yml', () => {
  it('passes `docker-compose config`, with and without a .env, which reaches app and worker', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tiller-compose-'));
    try {
      copyFileSync(path.join(ROOT, 'docker-compose.yml'), path.join(dir, 'docker-compose.yml'));
      const config = () => spawnSync('docker-compose', ['config'], { cwd: dir, encoding: 'utf8' });
      const bare = config();
      expect(bare.error, NEED).toBeUndefined();
      expect(bare.status, bare.stderr).toBe(0);
      expect(bare.stdout).toMatch(/HOST: 0\.0\.0\.0/);
      writeFileSync(path.join(dir, '.env'), 'TELEGRAM_BOT_TOKEN=1:compose-check\nAPI_TOKENS=\n');
      const withEnv = config();
      expect(withEnv.status, withEnv.stderr).toBe(0);
      // app, migrate and worker each get it.
      expect(withEnv.stdout.match(/TELEGRAM_BOT_TOKEN: 1:compose-check/g)).toHaveLength(3);
      const profiles = spawnSync('docker-compose', ['--profile', 'ollama', 'config', '--services'], { cwd: dir, encoding: 'utf8' });
      expect(profiles.stdout.split('\n')).toContain('ollama');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
