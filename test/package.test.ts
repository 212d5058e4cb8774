import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

// `npm test` builds before jest runs, so dist/ is the package as published.
const ROOT = resolve(__dirname, '..');
const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

interface PackedFile {
	path: string;
}

function packedFiles(): string[] {
	const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
		cwd: ROOT,
		encoding: 'utf8',
	});
	const [pack] = JSON.parse(output) as Array<{ files: PackedFile[] }>;
	return pack.files.map((file) => file.path);
}

describe('published package', () => {
	const files = packedFiles();

	test('contains only dist, readmes, licence and manifest', () => {
		const outside = files.filter(
			(path) => !path.startsWith('dist/') && !/^README(\.[\w-]+)?\.md$/.test(path) && path !== 'LICENSE' && path !== 'package.json',
		);
		expect(outside).toEqual([]);
	});

	test('has no runtime dependencies', () => {
		expect(packageJson.dependencies ?? {}).toEqual({});
		expect(packageJson.peerDependencies).toEqual({ 'n8n-workflow': '*' });
	});

	test('ships every registered node and credential', () => {
		const registered: string[] = [...packageJson.n8n.nodes, ...packageJson.n8n.credentials];
		expect(registered).toHaveLength(3);
		for (const path of registered) {
			expect(files).toContain(path);
		}
	});

	test('ships codex files and both icons', () => {
		for (const path of [
			'dist/nodes/Kuaidi100/Kuaidi100.node.json',
			'dist/nodes/Kuaidi100Trigger/Kuaidi100Trigger.node.json',
			'dist/icons/kuaidi100.svg',
			'dist/icons/kuaidi100.dark.svg',
			'dist/nodes/Kuaidi100/data/carriers.json',
		]) {
			expect(files).toContain(path);
		}
	});

	test('icon paths resolve inside dist', () => {
		const { Kuaidi100, Kuaidi100Trigger, Kuaidi100Api } = require(join(ROOT, 'index.js'));
		const icons: Array<[string, { light: string; dark: string }]> = [
			['dist/nodes/Kuaidi100', new Kuaidi100().description.icon],
			['dist/nodes/Kuaidi100Trigger', new Kuaidi100Trigger().description.icon],
			['dist/credentials', new Kuaidi100Api().icon],
		];
		for (const [dir, icon] of icons) {
			for (const reference of [icon.light, icon.dark]) {
				expect(reference.startsWith('file:')).toBe(true);
				expect(existsSync(join(ROOT, dir, reference.slice('file:'.length)))).toBe(true);
			}
		}
	});
});
