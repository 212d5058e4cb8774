/**
 * Benchmarks batch tracking against the local Kuaidi100 sandbox and prints the figures that
 * BENCHMARKS.md records.
 *
 *   npm run bench
 *   npm run bench -- --items 200 --sample 50     (a quicker, smaller run)
 *
 * The sandbox runs in this process with a fixed latency. Every scenario runs in its own child
 * process, so each peak memory figure belongs to one scenario. Scenarios:
 * - node: the Kuaidi100 node built in dist/, run by n8n-core's WorkflowExecute through the test
 *   harness, at each Max Concurrent Requests value;
 * - raw: undici sending the same signed form requests with a pool of as many keep-alive
 *   connections as the concurrency, and parsing each JSON body. At a fixed latency this is the
 *   fastest any client can be at that concurrency;
 * - raw without keep-alive: the same, opening a connection per request as n8n-core's HTTP helper
 *   does (it builds a new http.Agent for every request);
 * - sequential: the raw client sending one request at a time;
 * - conversion: a 10,000-event response turned into items, through buildEventItems alone and
 *   through the node end to end, and the heap the node's output takes at 1,000 and 10,000 events.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { availableParallelism, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { buildIfNeeded } from './build-if-needed';
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { Pool } from 'undici';

const ROOT = resolve(__dirname, '../..');
process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'kuaidi100-bench-'));
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';

const RESULT_PREFIX = 'BENCH_RESULT ';
const CARRIER = 'yuantong';
/** Serial numbers of warm-up waybills, apart from the measured ones. */
const WARM_UP_SERIAL = 900_000;

/** Targets the benchmark checks, with PASS or FAIL next to each figure. */
const TARGETS = {
	maxNodeToRawAt10: 1.15,
	minSpeedUpAt10: 8,
	/** Heap per output item at 10,000 events over heap per item at 1,000; 1 is linear growth. */
	maxHeapPerItemGrowth: 1.2,
};

// ---------------------------------------------------------------------------------------------
// Scenarios, each run in a child process

interface Account {
	customer: string;
	key: string;
}

type Scenario =
	| { kind: 'node'; baseUrl: string; account: Account; concurrency: number; items: number; events: number; repeat: number }
	| { kind: 'raw'; baseUrl: string; account: Account; concurrency: number; items: number; events: number; repeat: number; client: RawClient }
	| { kind: 'conversion'; baseUrl: string; account: Account; events: number; runs: number }
	| { kind: 'memory'; baseUrl: string; account: Account; events: number };

/**
 * undici: a pool of keep-alive connections. undici-close: the same, closing each connection after its
 * response. n8n-helper: the request function behind n8n-core's httpRequest helper (axios with a new
 * http.Agent per request), with SSRF protection off as n8n ships it, and without the credential step.
 */
type RawClient = 'undici' | 'undici-close' | 'n8n-helper';

interface BatchResult {
	/** Wall time of each repetition of the measured run, milliseconds. */
	wallMsRuns: number[];
	/** Median of `wallMsRuns`. */
	wallMs: number;
	/** CPU time of this process (user and system) over all repetitions, divided by their count, milliseconds. */
	cpuMs: number;
	requests: number;
	outputItems: number;
	/** Peak resident set size of the child process, bytes. */
	peakRss: number;
	/** Peak V8 heap in use during the measured runs, sampled every 10 ms, bytes. */
	peakHeap: number;
	/** Heap in use right before the last measured run, after a garbage collection, bytes. */
	heapBefore: number;
	/** Size of the output items' JSON, bytes; 0 for the raw client, which builds no items. */
	outputJsonBytes: number;
}

interface ConversionResult {
	events: number;
	responseBytes: number;
	buildMs: number;
	parseAndBuildMs: number;
	nodeMs: number;
	runs: number;
}

interface MemoryResult {
	events: number;
	retainedHeap: number;
	peakHeapGrowth: number;
	outputJsonBytes: number;
}

/** Samples the V8 heap in use; `stop()` returns the highest value seen. */
function startHeapSampler(): { stop(): number } {
	let peak = getHeapStatistics().used_heap_size;
	const timer = setInterval(() => {
		peak = Math.max(peak, getHeapStatistics().used_heap_size);
	}, 10);
	return {
		stop() {
			clearInterval(timer);
			return Math.max(peak, getHeapStatistics().used_heap_size);
		},
	};
}

/** Returns V8's garbage collector function, enabled at run time so tsx needs no node flag. */
function exposeGc(): () => void {
	setFlagsFromString('--expose-gc');
	return runInNewContext('gc') as () => void;
}

function simNumbers(count: number, events: number, firstSerial: number, simNumber: (events: number, serial: number) => string): string[] {
	return Array.from({ length: count }, (_, index) => simNumber(events, firstSerial + index));
}

async function mapWithConcurrency(count: number, concurrency: number, task: (index: number) => Promise<void>): Promise<void> {
	let next = 0;
	const worker = async (): Promise<void> => {
		while (next < count) {
			const index = next++;
			await task(index);
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

function trackParameters(options: INodeParameters): INodeParameters {
	return {
		resource: 'tracking',
		operation: 'track',
		carrier: { __rl: true, mode: 'code', value: CARRIER },
		trackingNumber: '={{ $json.number }}',
		options,
	};
}

/** Runs `measure` `repeat` times after a garbage collection each, and times it. */
async function timeRuns(
	repeat: number,
	measure: () => Promise<void>,
): Promise<{ wallMsRuns: number[]; cpuMs: number; peakHeap: number; heapBefore: number }> {
	const gc = exposeGc();
	const wallMsRuns: number[] = [];
	let peakHeap = 0;
	let heapBefore = 0;
	const cpuBefore = process.cpuUsage();
	for (let run = 0; run < repeat; run++) {
		gc();
		heapBefore = getHeapStatistics().used_heap_size;
		const sampler = startHeapSampler();
		const started = performance.now();
		await measure();
		wallMsRuns.push(performance.now() - started);
		peakHeap = Math.max(peakHeap, sampler.stop());
	}
	const cpu = process.cpuUsage(cpuBefore);
	return { wallMsRuns, cpuMs: (cpu.user + cpu.system) / 1000 / repeat, peakHeap, heapBefore };
}

async function runNodeScenario(scenario: Extract<Scenario, { kind: 'node' }>): Promise<BatchResult> {
	const { runNode } = await import('../harness');
	const { simNumber } = await import('../sandbox');
	const credentials = { kuaidi100Api: { ...scenario.account, salt: '', baseUrl: scenario.baseUrl } };
	const parameters = trackParameters({ maxConcurrency: scenario.concurrency });

	const warmUp = simNumbers(2 * scenario.concurrency, scenario.events, WARM_UP_SERIAL, simNumber);
	await runNode({ type: 'kuaidi100', from: 'dist', parameters, credentials, input: warmUp.map((number) => ({ number })) });

	const input = simNumbers(scenario.items, scenario.events, 1, simNumber).map((number) => ({ number }));
	let outputJsonBytes = 0;
	let outputItems = 0;
	const timing = await timeRuns(scenario.repeat, async () => {
		const result = await runNode({ type: 'kuaidi100', from: 'dist', parameters, credentials, input });
		if (result.error) throw new Error(`the node failed: ${result.error.message}`);
		const items = result.outputs[0] ?? [];
		if (items.length !== scenario.items * scenario.events) {
			throw new Error(`expected ${scenario.items * scenario.events} items, got ${items.length}`);
		}
		outputItems = items.length;
		if (outputJsonBytes === 0) outputJsonBytes = Buffer.byteLength(JSON.stringify(items.map((item) => item.json)));
	});
	return {
		...timing,
		wallMs: median(timing.wallMsRuns),
		requests: scenario.items,
		outputItems,
		peakRss: process.resourceUsage().maxRSS * 1024,
		outputJsonBytes,
	};
}

/** Returns the form of the real-time query as the node sends it: customer, param and sign, in this order. */
function signedQueryForm(account: Account, number: string): string {
	// The node's param for a fixed carrier and default options: com, num, order.
	const param = JSON.stringify({ com: CARRIER, num: number, order: 'desc' });
	const sign = createHash('md5').update(param + account.key + account.customer, 'utf8').digest('hex').toUpperCase();
	return new URLSearchParams({ customer: account.customer, param, sign }).toString();
}

/** Builds the client of a raw scenario: `send` posts one signed query and returns the response body. */
function queryClient(scenario: Extract<Scenario, { kind: 'raw' }>): { send(number: string): Promise<string>; close(): Promise<void> } {
	const headers = { 'content-type': 'application/x-www-form-urlencoded' };
	if (scenario.client === 'n8n-helper') {
		const { httpRequest } = require('@n8n/backend-network/testing') as {
			httpRequest(options: Record<string, unknown>): Promise<{ statusCode: number; body: string }>;
		};
		return {
			async send(number) {
				// The options the node passes, after the credential's authenticate has signed the form.
				const response = await httpRequest({
					method: 'POST',
					url: `${scenario.baseUrl}/poll/query.do`,
					headers,
					body: signedQueryForm(scenario.account, number),
					timeout: 10_000,
					returnFullResponse: true,
					ignoreHttpStatusErrors: true,
					json: false,
					encoding: 'text',
				});
				if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode} for ${number}`);
				return response.body;
			},
			close: async () => undefined,
		};
	}

	const pool = new Pool(scenario.baseUrl, { connections: scenario.concurrency });
	return {
		async send(number) {
			const { statusCode, body } = await pool.request({
				path: '/poll/query.do',
				method: 'POST',
				headers,
				body: signedQueryForm(scenario.account, number),
				// `reset` closes the connection after the response, as n8n-core's HTTP helper does.
				reset: scenario.client === 'undici-close',
			});
			const text = await body.text();
			if (statusCode !== 200) throw new Error(`HTTP ${statusCode} for ${number}`);
			return text;
		},
		close: () => pool.close(),
	};
}

async function runRawScenario(scenario: Extract<Scenario, { kind: 'raw' }>): Promise<BatchResult> {
	const { simNumber } = await import('../sandbox');
	const client = queryClient(scenario);
	const query = async (number: string): Promise<void> => {
		const parsed = JSON.parse(await client.send(number)) as { data?: unknown[] };
		if (parsed.data?.length !== scenario.events) {
			throw new Error(`expected ${scenario.events} events for ${number}, got ${parsed.data?.length ?? 'none'}`);
		}
	};

	const warmUp = simNumbers(2 * scenario.concurrency, scenario.events, WARM_UP_SERIAL, simNumber);
	await mapWithConcurrency(warmUp.length, scenario.concurrency, (index) => query(warmUp[index]));

	const numbers = simNumbers(scenario.items, scenario.events, 1, simNumber);
	const timing = await timeRuns(scenario.repeat, () => mapWithConcurrency(numbers.length, scenario.concurrency, (index) => query(numbers[index])));
	await client.close();
	return {
		...timing,
		wallMs: median(timing.wallMsRuns),
		requests: scenario.items,
		outputItems: 0,
		peakRss: process.resourceUsage().maxRSS * 1024,
		outputJsonBytes: 0,
	};
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function runConversionScenario(scenario: Extract<Scenario, { kind: 'conversion' }>): Promise<ConversionResult> {
	const { runNode } = await import('../harness');
	const { simNumber } = await import('../sandbox');
	// The built package, as n8n loads it.
	const output = require(join(ROOT, 'dist/nodes/Kuaidi100/helpers/output.js')) as typeof import('../../nodes/Kuaidi100/helpers/output');
	const carriers = require(join(ROOT, 'dist/nodes/Kuaidi100/helpers/carriers.js')) as typeof import('../../nodes/Kuaidi100/helpers/carriers');
	const carrier = carriers.resolveCarrier(CARRIER).carrier;
	if (!carrier) throw new Error(`carrier ${CARRIER} is missing from the carrier table`);

	const number = simNumber(scenario.events, 1);
	const pool = new Pool(scenario.baseUrl, { connections: 1 });
	const response = await pool.request({
		path: '/poll/query.do',
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: signedQueryForm(scenario.account, number),
	});
	const text = await response.body.text();
	await pool.close();

	const context = { carrier, trackingNumber: number, candidates: null };
	const convert = (body: unknown) => output.buildEventItems(body as IDataObject, context, 'desc');
	const parsed = JSON.parse(text) as unknown;
	const built = convert(parsed);
	if (built.length !== scenario.events) throw new Error(`expected ${scenario.events} items, got ${built.length}`);

	const medianTime = (run: () => void): number => {
		for (let warm = 0; warm < 3; warm++) run();
		const times: number[] = [];
		for (let index = 0; index < scenario.runs; index++) {
			const started = performance.now();
			run();
			times.push(performance.now() - started);
		}
		return median(times);
	};
	const buildMs = medianTime(() => convert(parsed));
	const parseAndBuildMs = medianTime(() => convert(JSON.parse(text)));

	const credentials = { kuaidi100Api: { ...scenario.account, salt: '', baseUrl: scenario.baseUrl } };
	const parameters = trackParameters({});
	const nodeTimes: number[] = [];
	for (let index = -1; index < scenario.runs; index++) {
		const started = performance.now();
		const result = await runNode({ type: 'kuaidi100', from: 'dist', parameters, credentials, input: [{ number }] });
		const elapsed = performance.now() - started;
		if ((result.outputs[0] ?? []).length !== scenario.events) throw new Error(`the node output ${result.outputs[0]?.length ?? 0} items`);
		// The first run warms up the engine and is not counted.
		if (index >= 0) nodeTimes.push(elapsed);
	}

	return {
		events: scenario.events,
		responseBytes: Buffer.byteLength(text),
		buildMs,
		parseAndBuildMs,
		nodeMs: median(nodeTimes),
		runs: scenario.runs,
	};
}

async function runMemoryScenario(scenario: Extract<Scenario, { kind: 'memory' }>): Promise<MemoryResult> {
	const gc = exposeGc();
	const { runNode } = await import('../harness');
	const { simNumber } = await import('../sandbox');
	const credentials = { kuaidi100Api: { ...scenario.account, salt: '', baseUrl: scenario.baseUrl } };
	const parameters = trackParameters({});

	// Warm-up runs load every module, so the measured growth is the output's alone.
	for (let index = 0; index < 2; index++) {
		await runNode({ type: 'kuaidi100', from: 'dist', parameters, credentials, input: [{ number: simNumber(10, WARM_UP_SERIAL + index) }] });
	}
	gc();
	gc();
	const before = getHeapStatistics().used_heap_size;
	const sampler = startHeapSampler();
	const result = await runNode({
		type: 'kuaidi100',
		from: 'dist',
		parameters,
		credentials,
		input: [{ number: simNumber(scenario.events, 2) }],
	});
	const peak = sampler.stop();
	gc();
	gc();
	const after = getHeapStatistics().used_heap_size;

	// Read the output after the measurement, which keeps it reachable during the collection.
	const items = result.outputs[0] ?? [];
	if (items.length !== scenario.events) throw new Error(`expected ${scenario.events} items, got ${items.length}`);
	return {
		events: scenario.events,
		retainedHeap: after - before,
		peakHeapGrowth: peak - before,
		outputJsonBytes: Buffer.byteLength(JSON.stringify(items.map((item) => item.json))),
	};
}

async function runChild(scenario: Scenario): Promise<void> {
	let result: unknown;
	switch (scenario.kind) {
		case 'node':
			result = await runNodeScenario(scenario);
			break;
		case 'raw':
			result = await runRawScenario(scenario);
			break;
		case 'conversion':
			result = await runConversionScenario(scenario);
			break;
		case 'memory':
			result = await runMemoryScenario(scenario);
			break;
	}
	process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

// ---------------------------------------------------------------------------------------------
// Parent: sandbox, child processes, report


/** Runs one scenario in a fresh tsx process and returns the result it prints. */
function runInChild<T>(scenario: Scenario): Promise<T> {
	return new Promise((resolvePromise, reject) => {
		const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), [__filename, '--child', JSON.stringify(scenario)], {
			cwd: ROOT,
			stdio: ['ignore', 'pipe', 'inherit'],
		});
		let stdout = '';
		child.stdout.on('data', (chunk: Buffer) => {
			stdout += chunk.toString('utf8');
		});
		child.on('error', reject);
		child.on('close', (code) => {
			const line = stdout.split('\n').find((entry) => entry.startsWith(RESULT_PREFIX));
			if (code !== 0 || line === undefined) {
				reject(new Error(`benchmark scenario ${JSON.stringify(scenario)} failed with exit code ${code}`));
				return;
			}
			resolvePromise(JSON.parse(line.slice(RESULT_PREFIX.length)) as T);
		});
	});
}

function cpuModel(): string {
	try {
		const line = readFileSync('/proc/cpuinfo', 'utf8')
			.split('\n')
			.find((entry) => entry.startsWith('model name'));
		return line?.split(':')[1]?.trim() ?? 'unknown';
	} catch {
		return 'unknown';
	}
}

function packageVersion(name: string): string {
	const manifest = JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
	return manifest.version;
}

const mebibytes = (bytes: number): string => `${(bytes / 1_048_576).toFixed(1)} MiB`;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const verdict = (pass: boolean): string => (pass ? 'PASS' : 'FAIL');

function table(header: string[], rows: string[][]): string {
	const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
	const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
	return [line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

interface Row {
	concurrency: number;
	/** Waybills sent per run; at concurrency 1 a sample, scaled to the full count. */
	measuredItems: number;
	node: BatchResult;
	helper: BatchResult;
	raw: BatchResult;
}

async function main(): Promise<void> {
	const { values } = parseArgs({
		options: {
			child: { type: 'string' },
			items: { type: 'string', default: '1000' },
			events: { type: 'string', default: '20' },
			latency: { type: 'string', default: '50' },
			sample: { type: 'string', default: '200' },
			concurrency: { type: 'string', default: '1,5,10,20' },
			repeat: { type: 'string', default: '3' },
			'large-events': { type: 'string', default: '10000' },
		},
	});
	if (values.child !== undefined) {
		await runChild(JSON.parse(values.child) as Scenario);
		return;
	}

	const items = Number(values.items);
	const events = Number(values.events);
	const latencyMs = Number(values.latency);
	const sample = Math.min(items, Number(values.sample));
	const concurrencies = values.concurrency!.split(',').map(Number);
	const targetRepeat = Number(values.repeat);
	const largeEvents = Number(values['large-events']);
	const smallEvents = Math.round(largeEvents / 10);

	buildIfNeeded();
	const { FAKE_ACCOUNT, startSandbox } = await import('../sandbox');
	const account = { customer: FAKE_ACCOUNT.customer, key: FAKE_ACCOUNT.key };
	// A lock threshold far above the benchmark's queries per number, so no number locks.
	const batchSandbox = await startSandbox({ faults: { latencyMs, seed: 1 }, lockAfter: 1_000_000 });
	const conversionSandbox = await startSandbox({ lockAfter: 1_000_000 });

	try {
		console.log('# Kuaidi100 node benchmark');
		console.log('');
		console.log(`Date: ${new Date().toISOString()}`);
		console.log(`Machine: ${cpuModel()}, ${availableParallelism()} CPUs, ${mebibytes(totalmem())} memory`);
		console.log(`Node.js ${process.version}, n8n-core ${packageVersion('n8n-core')}, n8n-workflow ${packageVersion('n8n-workflow')}, undici ${packageVersion('undici')}`);
		console.log(`Workload: ${items} waybills of ${events} events each, sandbox latency ${latencyMs} ms, no faults`);

		const rows: Row[] = [];
		let connectionNote = '';
		for (const concurrency of concurrencies) {
			const measuredItems = concurrency === 1 ? sample : items;
			// The target concurrency is measured several times and the median kept; the others once.
			const repeat = concurrency === 10 ? targetRepeat : 1;
			const batch = { baseUrl: batchSandbox.url, account, concurrency, items: measuredItems, events, repeat };

			console.error(`concurrency ${concurrency}: node in n8n's engine…`);
			const node = await runInChild<BatchResult>({ kind: 'node', ...batch });
			const nodeRequests = batchSandbox.requests.filter((request) => request.path === '/poll/query.do');
			if (!nodeRequests.every((request) => request.signValid === true)) throw new Error('the sandbox rejected a signature the node sent');
			// The raw clients must send byte for byte what the node sends, or the comparison is unfair.
			const differing = nodeRequests.find((request) => request.rawBody !== signedQueryForm(account, String((request.param as { num?: unknown }).num)));
			if (differing) throw new Error(`the node sent a body the raw clients do not reproduce: ${differing.rawBody}`);
			const closing = nodeRequests.filter((request) => String(request.headers.connection ?? '').toLowerCase() === 'close').length;
			connectionNote ||= `${closing} of ${nodeRequests.length} requests the node sent asked the server to close the connection after the response.`;
			batchSandbox.clearRequests();

			console.error(`concurrency ${concurrency}: n8n HTTP helper alone…`);
			const helper = await runInChild<BatchResult>({ kind: 'raw', client: 'n8n-helper', ...batch });
			batchSandbox.clearRequests();
			console.error(`concurrency ${concurrency}: raw undici…`);
			const raw = await runInChild<BatchResult>({ kind: 'raw', client: 'undici', ...batch });
			batchSandbox.clearRequests();
			rows.push({ concurrency, measuredItems, node, helper, raw });
		}

		const closeConcurrency = concurrencies.includes(10) ? 10 : concurrencies[concurrencies.length - 1];
		console.error(`concurrency ${closeConcurrency}: raw undici without keep-alive…`);
		const rawClose = await runInChild<BatchResult>({
			kind: 'raw',
			client: 'undici-close',
			baseUrl: batchSandbox.url,
			account,
			concurrency: closeConcurrency,
			items,
			events,
			repeat: closeConcurrency === 10 ? targetRepeat : 1,
		});
		batchSandbox.clearRequests();

		console.error(`sequential, ${items} waybills one at a time…`);
		const sequential = await runInChild<BatchResult>({ kind: 'raw', client: 'undici', baseUrl: batchSandbox.url, account, concurrency: 1, items, events, repeat: 1 });
		batchSandbox.clearRequests();

		console.error('conversion and memory…');
		const conversion = await runInChild<ConversionResult>({ kind: 'conversion', baseUrl: conversionSandbox.url, account, events: largeEvents, runs: 5 });
		const memorySmall = await runInChild<MemoryResult>({ kind: 'memory', baseUrl: conversionSandbox.url, account, events: smallEvents });
		const memoryLarge = await runInChild<MemoryResult>({ kind: 'memory', baseUrl: conversionSandbox.url, account, events: largeEvents });

		// Wall time for the full item count; a sample at concurrency 1 is scaled linearly.
		const fullWallMs = (result: BatchResult, row: Row) => (result.wallMs * items) / row.measuredItems;
		const perSecond = (result: BatchResult, row: Row) => (row.measuredItems / (result.wallMs / 1000)).toFixed(1);

		console.log('');
		console.log(`## Batch: ${items} waybills, ${events} events each, latency ${latencyMs} ms`);
		console.log('');
		console.log(
			table(
				['concurrency', 'node', 'n8n helper', 'raw undici', 'node/raw', 'helper/raw', 'node speed-up', 'node req/s', 'raw req/s', 'node CPU/req', 'node peak RSS', 'node peak heap', 'raw peak RSS'],
				rows.map((row) => {
					const mark = row.measuredItems < items ? '*' : '';
					const runs = row.node.wallMsRuns.length > 1 ? `(${row.node.wallMsRuns.length})` : '';
					return [
						String(row.concurrency),
						`${seconds(fullWallMs(row.node, row))}${mark}${runs}`,
						`${seconds(fullWallMs(row.helper, row))}${mark}`,
						`${seconds(fullWallMs(row.raw, row))}${mark}`,
						(row.node.wallMs / row.raw.wallMs).toFixed(3),
						(row.helper.wallMs / row.raw.wallMs).toFixed(3),
						`${(sequential.wallMs / fullWallMs(row.node, row)).toFixed(2)}x`,
						perSecond(row.node, row),
						perSecond(row.raw, row),
						`${(row.node.cpuMs / row.measuredItems).toFixed(2)} ms`,
						mebibytes(row.node.peakRss),
						mebibytes(row.node.peakHeap),
						mebibytes(row.raw.peakRss),
					];
				}),
			),
		);
		console.log('');
		console.log('node: the Kuaidi100 node in n8n-core\'s WorkflowExecute. n8n helper: the request function behind');
		console.log('this.helpers.httpRequest alone. raw undici: keep-alive pool, as many connections as the concurrency.');
		console.log(`Speed-up: sequential wall time over node wall time. CPU/req: CPU time of the node's process per waybill.`);
		if (rows.some((row) => row.measuredItems < items)) {
			console.log(`* measured on ${sample} waybills and scaled to ${items}, because one request at a time takes over ${latencyMs} ms each.`);
		}
		if (rows.some((row) => row.node.wallMsRuns.length > 1)) {
			console.log(`(${targetRepeat}) median of ${targetRepeat} runs, for every column of that row; the other rows ran once.`);
		}
		console.log('');
		console.log(`Sequential (raw undici, one request at a time, all ${items} waybills): ${seconds(sequential.wallMs)}, ${(items / (sequential.wallMs / 1000)).toFixed(1)} req/s.`);
		const rawCloseRow = rows.find((row) => row.concurrency === closeConcurrency);
		console.log(
			`Raw undici closing each connection at concurrency ${closeConcurrency}: ${seconds(rawClose.wallMs)}, ` +
				`${rawCloseRow ? (rawClose.wallMs / rawCloseRow.raw.wallMs).toFixed(3) : 'n/a'} times the keep-alive wall time.`,
		);
		console.log(`Connections: ${connectionNote} n8n-core 2.41 builds a new http.Agent for every request, so no connection is reused.`);
		for (const row of rows.filter((entry) => entry.measuredItems === items)) {
			const growth = row.node.peakHeap - row.node.heapBefore;
			console.log(
				`Node at concurrency ${row.concurrency}: ${row.node.outputItems} items, ${mebibytes(row.node.outputJsonBytes)} as JSON; ` +
					`peak heap growth ${mebibytes(growth)}, ${(growth / row.node.outputJsonBytes).toFixed(2)} times the JSON.`,
			);
		}

		const eventsPerSecond = (ms: number) => Math.round(conversion.events / (ms / 1000)).toLocaleString('en-US');
		console.log('');
		console.log(`## Turning a ${conversion.events}-event response into items (median of ${conversion.runs} runs)`);
		console.log('');
		console.log(
			table(
				['path', 'time', 'events/s'],
				[
					['buildEventItems on the parsed body', `${conversion.buildMs.toFixed(1)} ms`, eventsPerSecond(conversion.buildMs)],
					['JSON.parse + buildEventItems', `${conversion.parseAndBuildMs.toFixed(1)} ms`, eventsPerSecond(conversion.parseAndBuildMs)],
					['node in the engine, sandbox latency 0', `${conversion.nodeMs.toFixed(1)} ms`, eventsPerSecond(conversion.nodeMs)],
				],
			),
		);
		console.log(`Response body: ${mebibytes(conversion.responseBytes)}.`);

		const perItem = (result: MemoryResult) => result.retainedHeap / result.events;
		console.log('');
		console.log('## Memory against output size: one waybill through the node, heap after garbage collection');
		console.log('');
		console.log(
			table(
				['events', 'output JSON', 'heap retained', 'retained per item', 'retained / JSON', 'peak heap growth'],
				[memorySmall, memoryLarge].map((result) => [
					String(result.events),
					mebibytes(result.outputJsonBytes),
					mebibytes(result.retainedHeap),
					`${Math.round(perItem(result))} B`,
					(result.retainedHeap / result.outputJsonBytes).toFixed(2),
					mebibytes(result.peakHeapGrowth),
				]),
			),
		);

		const row10 = rows.find((row) => row.concurrency === 10);
		const ratio10 = row10 ? row10.node.wallMs / row10.raw.wallMs : Number.NaN;
		const speedUp10 = row10 ? sequential.wallMs / fullWallMs(row10.node, row10) : Number.NaN;
		const growth = perItem(memoryLarge) / perItem(memorySmall);
		console.log('');
		console.log('## Targets');
		console.log('');
		console.log(
			table(
				['target', 'figure', 'result'],
				[
					[`node/raw at concurrency 10 <= ${TARGETS.maxNodeToRawAt10}`, ratio10.toFixed(3), verdict(ratio10 <= TARGETS.maxNodeToRawAt10)],
					[`speed-up over sequential at concurrency 10 >= ${TARGETS.minSpeedUpAt10}x`, `${speedUp10.toFixed(2)}x`, verdict(speedUp10 >= TARGETS.minSpeedUpAt10)],
					[
						`heap per item at ${largeEvents} events / at ${smallEvents} events <= ${TARGETS.maxHeapPerItemGrowth}`,
						growth.toFixed(3),
						verdict(growth <= TARGETS.maxHeapPerItemGrowth),
					],
				],
			),
		);
	} finally {
		await batchSandbox.close();
		await conversionSandbox.close();
	}
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		console.error(error);
		process.exit(1);
	},
);
