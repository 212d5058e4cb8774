import type {
	ICredentialType,
	IDataObject,
	INodeType,
	INodeTypes,
	IVersionedNodeType,
} from 'n8n-workflow';
import { NodeHelpers, UserError } from 'n8n-workflow';
import { PackageDirectoryLoader } from 'n8n-core';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { prepareEnvironment } from './environment';

export type LoadFrom = 'source' | 'dist';

const packageRoot = resolve(__dirname, '..', '..');

// Test-only types. They are TypeScript in both modes, so they load only under ts-jest or tsx.
const harnessDirectories = ['test/harness/nodes', 'test/harness/fixtures'];

/**
 * Maps a `package.json` `n8n` path (`dist/nodes/X/X.node.js`) to the file to load:
 * unchanged for 'dist', the TypeScript source (`nodes/X/X.node.ts`) for 'source'.
 */
export function toLoadPath(packagePath: string, from: LoadFrom): string {
	if (from === 'dist') return packagePath;
	return packagePath.replace(/^(\.\/)?dist\//, '').replace(/\.js$/, '.ts');
}

function listHarnessFiles(suffix: string): string[] {
	return harnessDirectories.flatMap((directory) =>
		readdirSync(join(packageRoot, directory))
			.filter((file) => file.endsWith(suffix))
			.sort()
			.map((file) => `${directory}/${file}`),
	);
}

/**
 * The package's node and credential types, loaded by n8n-core's own PackageDirectoryLoader
 * (class found by file name, description checks, `supportedNodes`), plus the harness's
 * Items node and test fixtures. Types are named as n8n names an installed community
 * package's types: `<package name>.<node name>`.
 */
export class HarnessNodeTypes implements INodeTypes {
	readonly packageName: string;

	/** Paths listed in package.json whose file does not exist (for example dist before a build). */
	readonly missingFiles: string[] = [];

	private readonly loader: PackageDirectoryLoader;

	constructor(readonly from: LoadFrom) {
		prepareEnvironment();
		this.loader = new PackageDirectoryLoader(packageRoot);
		this.packageName = this.loader.packageName;

		const { n8n, version } = this.loader.packageJson;
		const pick = (paths: string[] | undefined) =>
			(paths ?? []).map((path) => toLoadPath(path, from)).filter((path) => this.isPresent(path));

		// Nodes first: loading a credential records the nodes that use it (`supportedNodes`).
		for (const path of [...pick(n8n?.nodes), ...listHarnessFiles('.node.ts')]) {
			this.loader.loadNodeFromFile(path, version);
		}
		for (const path of [...pick(n8n?.credentials), ...listHarnessFiles('.credentials.ts')]) {
			this.loader.loadCredentialFromFile(path);
		}
		// PackageDirectoryLoader.loadAll does this step in a private method.
		for (const { type } of Object.values(this.loader.credentialTypes)) {
			type.supportedNodes = this.getSupportedNodes(type.name);
		}
	}

	/** Returns `<package>.<name>` for a short node name, and a full name unchanged. */
	fullTypeName(type: string): string {
		return type.includes('.') ? type : `${this.packageName}.${type}`;
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const prefix = `${this.packageName}.`;
		const shortName = nodeType.startsWith(prefix) ? nodeType.slice(prefix.length) : nodeType;
		if (!(shortName in this.loader.nodeTypes)) {
			const known = Object.keys(this.loader.nodeTypes).join(', ');
			throw new UserError(
				`Unknown node type "${nodeType}". Known: ${known}.${this.missingFilesHint()}`,
			);
		}
		return this.loader.getNode(shortName).type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		return this.loader.known.nodes;
	}

	getCredentialType(name: string): ICredentialType {
		if (!(name in this.loader.credentialTypes)) {
			const known = Object.keys(this.loader.credentialTypes).join(', ');
			throw new UserError(
				`Unknown credential type "${name}". Known: ${known}.${this.missingFilesHint()}`,
			);
		}
		return this.loader.getCredential(name).type;
	}

	/** Returns the names of the node types that list this credential type. */
	getSupportedNodes(credentialType: string): string[] {
		return this.loader.nodesByCredential[credentialType] ?? [];
	}

	/** Returns whether the file exists, recording it in `missingFiles` when it does not. */
	private isPresent(path: string): boolean {
		if (existsSync(join(packageRoot, path))) return true;
		this.missingFiles.push(path);
		return false;
	}

	private missingFilesHint(): string {
		if (this.missingFiles.length === 0) return '';
		const build = this.from === 'dist' ? ' Run `npm run build` first.' : '';
		return ` Missing files from package.json: ${this.missingFiles.join(', ')}.${build}`;
	}
}

const cache = new Map<LoadFrom, HarnessNodeTypes>();

/** Returns the node types for a mode, loading them on first use. */
export function loadNodeTypes(opts: { from?: LoadFrom } = {}): HarnessNodeTypes {
	const from = opts.from ?? 'source';
	let nodeTypes = cache.get(from);
	if (!nodeTypes) {
		nodeTypes = new HarnessNodeTypes(from);
		cache.set(from, nodeTypes);
	}
	return nodeTypes;
}
