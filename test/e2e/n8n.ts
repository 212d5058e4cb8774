/**
 * Drives a real n8n, installed by test/e2e/setup-n8n.sh, from scripts that run on the
 * development Node (20). n8n 2.36 and later need Node 24, so every n8n process here is started
 * with the Node 24 binary from the cache, in its own process group so that it can be stopped
 * together with the task runners it spawns.
 *
 * Each test gets a fresh N8N_USER_FOLDER: its own SQLite database, settings and community
 * packages, so nothing leaks between runs or into the developer's ~/.n8n.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const DEFAULT_CACHE_DIR = join(REPO_ROOT, '.cache', 'e2e');

/**
 * Log line that `n8n start` prints once the server listens. Published workflows may still be
 * activating then (see `waitForWebhook`).
 */
const READY_LINE = 'Editor is now accessible';

/** Cache layout written by setup-n8n.sh to ready.json. */
export interface N8nRuntime {
	nodeVersion: string;
	n8nVersion: string;
	/** Node 24 binary that runs n8n. */
	nodeBin: string;
	nodeDir: string;
	n8nDir: string;
	/** n8n's CLI entry point, run as `nodeBin n8nBin <command>`. */
	n8nBin: string;
}

export class RuntimeMissingError extends Error {}

/** Reads the runtime that setup-n8n.sh installed, or throws with the command that installs it. */
export function loadRuntime(cacheDir = process.env.E2E_CACHE_DIR ?? DEFAULT_CACHE_DIR): N8nRuntime {
	const readyFile = join(cacheDir, 'ready.json');
	if (!existsSync(readyFile)) {
		throw new RuntimeMissingError(
			`No n8n runtime in ${cacheDir} (ready.json not found). Run: bash test/e2e/setup-n8n.sh`,
		);
	}
	const runtime = JSON.parse(readFileSync(readyFile, 'utf8')) as N8nRuntime;
	for (const file of [runtime.nodeBin, runtime.n8nBin]) {
		if (!existsSync(file)) {
			throw new RuntimeMissingError(`${file} listed in ${readyFile} does not exist. Re-run: bash test/e2e/setup-n8n.sh`);
		}
	}
	return runtime;
}

// --- process bookkeeping -------------------------------------------------------------------------

/** Process groups started here and not yet known to have exited; killed when this process exits. */
const liveGroups = new Set<number>();

process.on('exit', () => {
	for (const pid of liveGroups) {
		killGroup(pid, 'SIGKILL');
	}
});

/**
 * Stops every n8n started here when this process gets SIGINT or SIGTERM, then exits with 130 or
 * 143. Scripts call it once; without it, Ctrl+C would leave n8n running in its own process group.
 */
export function stopAllOnSignals(): void {
	let stopping = false;
	const handler = (signal: NodeJS.Signals) => {
		if (stopping) return;
		stopping = true;
		console.log(`\n${signal} received, stopping n8n`);
		void Promise.all([...liveGroups].map((pid) => stopGroup(pid, 10_000))).finally(() =>
			process.exit(signal === 'SIGINT' ? 130 : 143),
		);
	};
	process.on('SIGINT', handler);
	process.on('SIGTERM', handler);
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pid, signal);
	} catch (error) {
		// ESRCH: the whole group has already exited.
		if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
	}
}

function groupIsAlive(pid: number): boolean {
	try {
		process.kill(-pid, 0);
		return true;
	} catch {
		return false;
	}
}

/** Stops a process group: SIGTERM, then SIGKILL for whatever is left after `graceMs`. */
async function stopGroup(pid: number, graceMs: number): Promise<void> {
	killGroup(pid, 'SIGTERM');
	const deadline = Date.now() + graceMs;
	while (groupIsAlive(pid) && Date.now() < deadline) {
		await delay(100);
	}
	if (groupIsAlive(pid)) {
		killGroup(pid, 'SIGKILL');
	}
	liveGroups.delete(pid);
}

/** Asks the OS for a free TCP port on 127.0.0.1. Another process may take it before it is used. */
export async function freePort(): Promise<number> {
	return new Promise((resolvePort, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address !== null ? address.port : 0;
			server.close(() => resolvePort(port));
		});
	});
}

// --- n8n data formats ----------------------------------------------------------------------------

/** A credential in the format of `n8n import:credentials`; plain-object `data` is encrypted on import. */
export interface CredentialImport {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

export interface WorkflowNode {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	webhookId?: string;
}

/** A workflow in the format of `n8n import:workflow`. */
export interface WorkflowImport {
	id: string;
	name: string;
	nodes: WorkflowNode[];
	connections: Record<string, unknown>;
	active?: boolean;
	settings?: Record<string, unknown>;
	pinData?: Record<string, unknown>;
}

export interface NodeExecutionItem {
	json: Record<string, unknown>;
	pairedItem?: unknown;
}

/** One run of one node inside IRun.data.resultData.runData. */
export interface NodeRun {
	executionStatus?: string;
	error?: { message?: string; description?: string };
	data?: { main?: (NodeExecutionItem[] | null)[] };
}

/** The part of n8n's IRun that the checks read. */
export interface WorkflowRun {
	status?: string;
	finished?: boolean;
	mode?: string;
	data: {
		resultData: {
			runData: Record<string, NodeRun[]>;
			error?: { message?: string; description?: string; node?: { name?: string } };
			lastNodeExecuted?: string;
		};
	};
}

/** Items of output `outputIndex` of the first run of node `nodeName`. */
export function nodeOutput(run: WorkflowRun, nodeName: string, outputIndex = 0): NodeExecutionItem[] {
	const runs = run.data.resultData.runData[nodeName];
	if (runs === undefined || runs.length === 0) {
		throw new Error(
			`Node "${nodeName}" did not run. Nodes that ran: ${Object.keys(run.data.resultData.runData).join(', ') || 'none'}`,
		);
	}
	return runs[0].data?.main?.[outputIndex] ?? [];
}

// --- commands ------------------------------------------------------------------------------------

export interface CommandResult {
	args: string[];
	exitCode: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
}

export class CommandFailedError extends Error {
	constructor(
		message: string,
		readonly result: CommandResult,
	) {
		super(message);
	}
}

export interface ExecuteResult {
	/** True when n8n exited with 0 and printed a run without an error. */
	ok: boolean;
	/** The run that n8n printed, on success and (from its log) on a workflow error; undefined if none was found. */
	run: WorkflowRun | undefined;
	command: CommandResult;
}

/**
 * Finds the last JSON object that n8n printed with JSON.stringify(value, null, 2). Such an object
 * starts with a line that is exactly "{" and ends with the next line that is exactly "}", because
 * every nested brace is indented. n8n's log lines do not consist of a bare brace.
 */
export function lastPrintedJson(text: string): unknown {
	const lines = text.split(/\r?\n/);
	for (let start = lines.length - 1; start >= 0; start--) {
		if (lines[start] !== '{') continue;
		const end = lines.indexOf('}', start + 1);
		if (end === -1) continue;
		try {
			return JSON.parse(lines.slice(start, end + 1).join('\n'));
		} catch {
			// An object with a "{" line that is not JSON: keep looking further up.
		}
	}
	return undefined;
}

export interface StartOptions {
	/** Port for the editor, REST API and webhooks; a free one when omitted. */
	port?: number;
	/** Time to wait for "Editor is now accessible" (default 180 s, because the first start runs every DB migration). */
	readyTimeoutMs?: number;
	/** Copies n8n's output to this stream as well as keeping it, for `npm run dev`. */
	echo?: NodeJS.WritableStream;
}

/**
 * A throw-away n8n user folder with the package under test installed the way n8n installs a
 * community package.
 */
export class N8nUserFolder {
	readonly n8nDataDir: string;

	private constructor(
		readonly runtime: N8nRuntime,
		/** Value of N8N_USER_FOLDER; n8n keeps its data in `<path>/.n8n`. */
		readonly path: string,
	) {
		this.n8nDataDir = join(path, '.n8n');
	}

	/** Creates an empty user folder under the system temp directory. */
	static create(runtime: N8nRuntime, prefix = 'kuaidi100-e2e-'): N8nUserFolder {
		const path = mkdtempSync(join(tmpdir(), prefix));
		mkdirSync(join(path, '.n8n'), { recursive: true });
		return new N8nUserFolder(runtime, path);
	}

	/** Uses an existing folder, for example one that keeps its data between `npm run dev` sessions. */
	static open(runtime: N8nRuntime, path: string): N8nUserFolder {
		mkdirSync(join(path, '.n8n'), { recursive: true });
		return new N8nUserFolder(runtime, path);
	}

	/** Deletes the folder. Stop every n8n that uses it first. */
	remove(): void {
		rmSync(this.path, { recursive: true, force: true });
	}

	/**
	 * Extracts an `npm pack` tarball into `.n8n/nodes/node_modules/<name>`, where n8n looks for
	 * installed community packages. Like n8n's own installer, this installs no dependencies, so
	 * `n8n-workflow` resolves to the copy inside n8n. An undeclared runtime import therefore fails
	 * to load here just as it would for a user.
	 */
	installPackage(tarballPath: string): { name: string; version: string; dir: string } {
		if (!existsSync(tarballPath)) {
			throw new Error(`Package tarball not found: ${tarballPath}. Build it with: npm run build && npm pack`);
		}
		const staging = mkdtempSync(join(this.path, 'pack-'));
		const untar = spawnSync('tar', ['-xzf', tarballPath, '-C', staging], { encoding: 'utf8' });
		if (untar.status !== 0) {
			throw new Error(`tar -xzf ${tarballPath} failed: ${untar.stderr}`);
		}
		const packageDir = join(staging, 'package');
		const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
			name: string;
			version: string;
		};

		const nodesDir = join(this.n8nDataDir, 'nodes');
		const target = join(nodesDir, 'node_modules', manifest.name);
		mkdirSync(join(target, '..'), { recursive: true });
		rmSync(target, { recursive: true, force: true });
		const move = spawnSync('mv', [packageDir, target], { encoding: 'utf8' });
		if (move.status !== 0) {
			throw new Error(`Moving ${packageDir} to ${target} failed: ${move.stderr}`);
		}
		rmSync(staging, { recursive: true, force: true });

		// n8n keeps its ledger of installed community packages in `dependencies` of this package.json.
		const nodesManifest = join(nodesDir, 'package.json');
		const existing = existsSync(nodesManifest)
			? (JSON.parse(readFileSync(nodesManifest, 'utf8')) as { dependencies?: Record<string, string> })
			: {};
		const dependencies = { ...existing.dependencies, [manifest.name]: manifest.version };
		writeFileSync(nodesManifest, JSON.stringify({ name: 'installed-nodes', private: true, dependencies }, null, 2));

		return { name: manifest.name, version: manifest.version, dir: target };
	}

	/** Environment for every n8n process of this folder. `port` is needed only by `start`. */
	async environment(port?: number): Promise<NodeJS.ProcessEnv> {
		const env: NodeJS.ProcessEnv = {};
		// Pass the caller's environment through, minus n8n settings and Node options that would
		// change n8n's behaviour (a tsx loader in NODE_OPTIONS would be loaded into Node 24).
		for (const [name, value] of Object.entries(process.env)) {
			if (name.startsWith('N8N_') || name === 'WEBHOOK_URL' || name === 'NODE_OPTIONS' || name.startsWith('DB_')) continue;
			env[name] = value;
		}
		Object.assign(env, {
			PATH: `${join(this.runtime.nodeDir, 'bin')}:${process.env.PATH ?? ''}`,
			N8N_USER_FOLDER: this.path,
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_PROTOCOL: 'http',
			N8N_SECURE_COOKIE: 'false',
			// No outbound traffic: telemetry, version checks, templates and banners all call n8n's servers.
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			// This module downloads a list of MCP servers from api.n8n.io on start.
			N8N_DISABLED_MODULES: 'mcp-registry',
			// n8n logs that the Python runner has no virtualenv and goes on with the JS runner only.
			N8N_RUNNERS_MODE: 'internal',
			N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
			// Every n8n process, CLI commands included, opens a task broker. A free port per process
			// lets several run at once, for example `npm run dev` next to `npm run test:e2e`.
			N8N_RUNNERS_BROKER_PORT: String(await freePort()),
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
			N8N_LOG_LEVEL: 'info',
			N8N_LOG_OUTPUT: 'console',
		});
		if (port !== undefined) {
			env.N8N_PORT = String(port);
			env.N8N_WEBHOOK_URL = `http://127.0.0.1:${port}/`;
		}
		return env;
	}

	/** Runs one n8n CLI command to completion. Never throws for a non-zero exit; see `exitCode`. */
	async run(args: string[], timeoutMs = 180_000): Promise<CommandResult> {
		const env = await this.environment();
		const child = spawn(this.runtime.nodeBin, [this.runtime.n8nBin, ...args], {
			cwd: this.path,
			env,
			detached: true,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		const pid = child.pid;
		if (pid === undefined) {
			throw new Error(`Could not start n8n ${args.join(' ')}`);
		}
		liveGroups.add(pid);
		let stdout = '';
		let stderr = '';
		child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
		child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));

		const timer = setTimeout(() => void stopGroup(pid, 5_000), timeoutMs);
		const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done) =>
			child.on('close', (code, sig) => done([code, sig])),
		);
		clearTimeout(timer);
		// The task runner may outlive the CLI process; nothing of this command may keep running.
		await stopGroup(pid, 2_000);

		const result: CommandResult = { args, exitCode, signal, stdout, stderr };
		if (signal !== null && exitCode === null) {
			result.stderr += `\n[n8n ${args[0]} was stopped after ${timeoutMs} ms]`;
		}
		return result;
	}

	/** Runs a command and throws with its output when it exits non-zero. */
	async runOrThrow(args: string[], timeoutMs?: number): Promise<CommandResult> {
		const result = await this.run(args, timeoutMs);
		if (result.exitCode !== 0) {
			throw new CommandFailedError(
				`n8n ${args.join(' ')} exited with ${result.exitCode ?? result.signal}:\n${tail(result.stdout + result.stderr, 40)}`,
				result,
			);
		}
		return result;
	}

	async importCredentials(credentials: CredentialImport[]): Promise<void> {
		const file = join(this.path, `credentials-${randomUUID()}.json`);
		writeFileSync(file, JSON.stringify(credentials, null, 2));
		try {
			await this.runOrThrow(['import:credentials', `--input=${file}`]);
		} finally {
			// The file contains secrets in clear text, and n8n keeps only the encrypted copy.
			rmSync(file, { force: true });
		}
	}

	async importWorkflow(workflow: WorkflowImport): Promise<void> {
		const file = join(this.path, `workflow-${workflow.id}.json`);
		writeFileSync(file, JSON.stringify(workflow, null, 2));
		await this.runOrThrow(['import:workflow', `--input=${file}`]);
	}

	/** Activates a workflow ("publishing" in n8n 2.x); `n8n start` then registers its trigger. */
	async publishWorkflow(id: string): Promise<void> {
		await this.runOrThrow(['publish:workflow', `--id=${id}`]);
	}

	/** Runs a workflow once with `n8n execute --id --rawOutput` and parses the printed run. */
	async execute(id: string): Promise<ExecuteResult> {
		const command = await this.run(['execute', `--id=${id}`, '--rawOutput']);
		const printed = lastPrintedJson(command.stdout);
		const run = isWorkflowRun(printed) ? printed : undefined;
		const ok = command.exitCode === 0 && run !== undefined && run.data.resultData.error === undefined;
		return { ok, run, command };
	}

	/** Writes every node type that n8n loads, as `n8n export:nodes` prints them, and returns them. */
	async exportNodeTypes(): Promise<NodeTypeDescription[]> {
		const file = join(this.path, `nodes-${randomUUID()}.json`);
		await this.runOrThrow(['export:nodes', `--output=${file}`]);
		const types = JSON.parse(readFileSync(file, 'utf8')) as NodeTypeDescription[];
		rmSync(file, { force: true });
		return types;
	}

	/** Starts `n8n start` and resolves once it prints its ready line. Triggers may need `waitForWebhook`. */
	async start(options: StartOptions = {}): Promise<N8nServer> {
		const port = options.port ?? (await freePort());
		const env = await this.environment(port);
		const logFile = join(this.path, `n8n-start-${port}.log`);
		const log = createWriteStream(logFile);
		const child = spawn(this.runtime.nodeBin, [this.runtime.n8nBin, 'start'], {
			cwd: this.path,
			env,
			detached: true,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		if (child.pid === undefined) {
			throw new Error('Could not start n8n start');
		}
		liveGroups.add(child.pid);
		const server = new N8nServer(child, port, logFile);
		const onData = (chunk: string) => {
			server.appendOutput(chunk);
			log.write(chunk);
			options.echo?.write(chunk);
		};
		child.stdout?.setEncoding('utf8').on('data', onData);
		child.stderr?.setEncoding('utf8').on('data', onData);
		child.on('close', () => log.end());

		try {
			await server.waitForOutput(READY_LINE, options.readyTimeoutMs ?? 180_000);
		} catch (error) {
			await server.stop();
			throw error;
		}
		return server;
	}
}

function isWorkflowRun(value: unknown): value is WorkflowRun {
	const data = (value as { data?: { resultData?: { runData?: unknown } } } | undefined)?.data;
	return typeof data?.resultData?.runData === 'object' && data.resultData.runData !== null;
}

function tail(text: string, lines: number): string {
	return text.trimEnd().split('\n').slice(-lines).join('\n');
}

// --- the running server --------------------------------------------------------------------------

/** Node type as n8n serves it in /types/nodes.json and `n8n export:nodes`. */
export interface NodeTypeDescription {
	name: string;
	displayName: string;
	version: number | number[];
	group?: string[];
	icon?: unknown;
	iconUrl?: string | { light: string; dark: string };
	credentials?: { name: string }[];
	webhooks?: unknown[];
	properties?: { name: string; type: string; default?: unknown; options?: unknown[] }[];
}

/** Credential type as n8n serves it in /types/credentials.json. */
export interface CredentialTypeDescription {
	name: string;
	displayName: string;
	icon?: unknown;
	iconUrl?: string | { light: string; dark: string };
	properties?: { name: string }[];
	supportedNodes?: string[];
}

/** Summary of one execution from GET /rest/executions. */
export interface ExecutionSummary {
	id: string;
	workflowId: string;
	status: string;
	mode: string;
	finished?: boolean;
	startedAt?: string;
	stoppedAt?: string;
}

const OWNER = {
	email: 'owner@e2e.invalid',
	firstName: 'E2E',
	lastName: 'Owner',
	// n8n requires 8+ characters with a digit and an upper-case letter.
	password: 'E2eOwner-Passw0rd',
};

/** A running `n8n start`. Call `stop()` when done; the process group is also killed when this process exits. */
export class N8nServer {
	readonly baseUrl: string;
	private output = '';
	private outputWaiters: (() => void)[] = [];
	private exited = false;
	private authCookie: string | undefined;
	// n8n binds the auth cookie to a browser id, so every REST call must send the same one.
	private readonly browserId = randomUUID();

	constructor(
		private readonly child: ChildProcess,
		readonly port: number,
		/** File with everything the server printed. */
		readonly logFile: string,
	) {
		this.baseUrl = `http://127.0.0.1:${port}`;
		child.on('close', () => {
			this.exited = true;
			this.notify();
		});
	}

	get pid(): number {
		return this.child.pid as number;
	}

	/** Everything the server printed so far (stdout and stderr interleaved). */
	get logs(): string {
		return this.output;
	}

	appendOutput(chunk: string): void {
		this.output += chunk;
		this.notify();
	}

	private notify(): void {
		const waiters = this.outputWaiters;
		this.outputWaiters = [];
		for (const wake of waiters) wake();
	}

	/**
	 * Waits until the server has printed `text` (a string or pattern) at or after character `from`
	 * of its output; fails early if the server exits.
	 */
	async waitForOutput(text: string | RegExp, timeoutMs: number, from = 0): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		const printed = () => {
			const output = this.output.slice(from);
			return typeof text === 'string' ? output.includes(text) : text.test(output);
		};
		while (!printed()) {
			if (this.exited) {
				throw new Error(`n8n exited before printing "${String(text)}". Last output:\n${tail(this.output, 40)}`);
			}
			const remaining = deadline - Date.now();
			if (remaining <= 0) {
				throw new Error(`n8n did not print "${String(text)}" within ${timeoutMs} ms. Last output:\n${tail(this.output, 40)}`);
			}
			await Promise.race([new Promise<void>((wake) => this.outputWaiters.push(wake)), delay(Math.min(remaining, 1_000))]);
		}
	}

	/** Stops the server and its task runners (SIGTERM, then SIGKILL after 15 s). */
	async stop(): Promise<void> {
		if (this.child.pid === undefined) return;
		await stopGroup(this.child.pid, 15_000);
	}

	/**
	 * Waits until n8n has registered a production webhook. n8n 2.x activates published workflows
	 * through its publication service after the ready line, so a request sent right after it can
	 * get "webhook is not registered". The probe is a CORS preflight: n8n replies with the
	 * webhook's methods and does not run the workflow.
	 */
	async waitForWebhook(url: string, method = 'POST', timeoutMs = 60_000): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		let last = '';
		for (;;) {
			const response = await fetch(url, {
				method: 'OPTIONS',
				headers: { origin: this.baseUrl, 'access-control-request-method': method },
			});
			const allowed = (response.headers.get('access-control-allow-methods') ?? '').split(/,\s*/);
			if (response.status === 204 && allowed.includes(method)) return;
			last = `HTTP ${response.status} ${(await response.text()).slice(0, 300)}`;
			if (Date.now() > deadline) {
				throw new Error(`n8n did not register ${method} ${url} within ${timeoutMs} ms; last answer: ${last}`);
			}
			await delay(250);
		}
	}

	/** Creates the instance owner (a fresh instance has none) and keeps the auth cookie for REST calls. */
	async setupOwner(): Promise<void> {
		const response = await fetch(`${this.baseUrl}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'browser-id': this.browserId },
			body: JSON.stringify(OWNER),
		});
		if (!response.ok) {
			throw new Error(`POST /rest/owner/setup answered HTTP ${response.status}: ${await response.text()}`);
		}
		const cookie = response.headers
			.getSetCookie()
			.map((line) => line.split(';')[0])
			.find((pair) => pair.startsWith('n8n-auth='));
		if (cookie === undefined) {
			throw new Error('POST /rest/owner/setup set no n8n-auth cookie');
		}
		this.authCookie = cookie;
	}

	/** GETs a path with the owner's session; resolves to the raw response. */
	async get(path: string): Promise<Response> {
		if (this.authCookie === undefined) {
			await this.setupOwner();
		}
		return fetch(`${this.baseUrl}${path}`, {
			headers: { cookie: this.authCookie as string, 'browser-id': this.browserId },
		});
	}

	async getJson<T>(path: string): Promise<T> {
		const response = await this.get(path);
		if (!response.ok) {
			throw new Error(`GET ${path} answered HTTP ${response.status}: ${(await response.text()).slice(0, 500)}`);
		}
		return (await response.json()) as T;
	}

	/** Node types as n8n serves them to the editor (/types/nodes.json). */
	async nodeTypes(): Promise<NodeTypeDescription[]> {
		return this.getJson<NodeTypeDescription[]>('/types/nodes.json');
	}

	/** Credential types as n8n serves them to the editor (/types/credentials.json). */
	async credentialTypes(): Promise<CredentialTypeDescription[]> {
		return this.getJson<CredentialTypeDescription[]>('/types/credentials.json');
	}

	/** Executions of one workflow, newest first. */
	async executions(workflowId: string): Promise<ExecutionSummary[]> {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const body = await this.getJson<{ data: { results: ExecutionSummary[] } }>(`/rest/executions?filter=${filter}&limit=100`);
		return body.data.results;
	}

	/** Fetches one execution and unpacks its run data, which n8n sends in `flatted` format. */
	async execution(id: string): Promise<{ summary: ExecutionSummary; run: WorkflowRun }> {
		const body = await this.getJson<{ data: ExecutionSummary & { data: string } }>(`/rest/executions/${id}`);
		const { data, ...summary } = body.data;
		return { summary, run: { ...summary, data: parseFlatted(data) } as unknown as WorkflowRun };
	}

	/**
	 * Polls the executions of a workflow until `count` have finished (any status but new, running
	 * or waiting), or fails after `timeoutMs`.
	 */
	async waitForExecutions(workflowId: string, count: number, timeoutMs = 30_000): Promise<ExecutionSummary[]> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const executions = await this.executions(workflowId);
			const finished = executions.filter((execution) => !['new', 'running', 'waiting'].includes(execution.status));
			if (finished.length >= count) return executions;
			if (Date.now() > deadline) {
				throw new Error(
					`Expected ${count} finished execution(s) of workflow ${workflowId} within ${timeoutMs} ms, found: ${JSON.stringify(executions)}`,
				);
			}
			await delay(250);
		}
	}
}

/**
 * Decodes the `flatted` format (npm package flatted) that n8n stores run data in. It is a JSON
 * array whose first entry is the root value. Inside objects and arrays, every string is the index
 * of another entry, and real strings are entries of their own.
 */
export function parseFlatted(text: string): unknown {
	const table = JSON.parse(text) as unknown[];
	const revived = new Set<object>();
	const resolveValue = (value: unknown): unknown => {
		if (typeof value === 'string') {
			const target = table[Number(value)];
			if (target !== null && typeof target === 'object') {
				walk(target as Record<string, unknown>);
			}
			return target;
		}
		return value;
	};
	const walk = (node: Record<string, unknown>): void => {
		if (revived.has(node)) return;
		revived.add(node);
		for (const key of Object.keys(node)) {
			node[key] = resolveValue(node[key]);
		}
	};
	return resolveValue('0');
}

// --- building the package under test -------------------------------------------------------------

/** Runs `npm pack` in the repository and returns the tarball path. Build first. */
export function packRepository(destination: string): string {
	mkdirSync(destination, { recursive: true });
	const pack = spawnSync('npm', ['pack', '--json', '--pack-destination', destination], {
		cwd: REPO_ROOT,
		encoding: 'utf8',
	});
	if (pack.status !== 0) {
		throw new Error(`npm pack failed: ${pack.stderr}`);
	}
	const [info] = JSON.parse(pack.stdout) as { filename: string }[];
	return join(destination, info.filename);
}
