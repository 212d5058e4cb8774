import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

function newestSourceTime(dir: string): number {
	let newest = 0;
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const path = join(dir, entry.name);
		newest = Math.max(newest, entry.isDirectory() ? newestSourceTime(path) : statSync(path).mtimeMs);
	}
	return newest;
}

/**
 * Builds the package when dist/ is missing or older than any source. Scripts
 * run the node from dist/, as n8n does, so they must not run a stale build.
 */
export function buildIfNeeded(): void {
	const built = join(ROOT, 'dist/nodes/Kuaidi100/Kuaidi100.node.js');
	const sources = Math.max(newestSourceTime(join(ROOT, 'nodes')), newestSourceTime(join(ROOT, 'credentials')));
	if (existsSync(built) && statSync(built).mtimeMs >= sources) {
		return;
	}
	console.error('Building the package (dist/ is missing or out of date)…');
	execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}
