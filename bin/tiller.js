#!/usr/bin/env node
// The `tiller` executable: runs src/cli.ts in a node process with the tsx loader (no build step). The
// loader runs in the same process, so signals (SIGINT/SIGTERM) reach Tiller's graceful shutdown directly.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), path.join(root, 'src/cli.ts'), ...process.argv.slice(2)], { stdio: 'inherit', cwd: process.cwd() });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
