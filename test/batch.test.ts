/**
 * Batch tracking under injected faults, run through n8n's engine. Every input item must end as
 * exactly one group of success items or exactly one error item, in input order. Each number may
 * be sent at most 1 + Retries times, and only transient failures (network errors, timeouts,
 * HTTP 5xx, returnCode 502 busy) may be retried.
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { RateLimiter } from '../nodes/Kuaidi100/transport/rateLimiter';
import { runNode } from './harness';
import type { FaultKind, RecordedRequest, Sandbox } from './sandbox';
import { ERROR_TRIGGER_NUMBERS, FAKE_ACCOUNT, simNumber, startSandbox } from './sandbox';

const ITEM_COUNT = 500;
const RETRIES = 3;

/** Sandbox faults that a retry may fix: connection resets, timeouts, HTTP 5xx and returnCode 502 busy. */
const TRANSIENT_FAULTS: ReadonlySet<FaultKind> = new Set<FaultKind>(['reset', 'timeout', 'http5xx', 'busy']);

/** Items whose number is too short (Kuaidi100 accepts 6 to 32 characters), so they fail before any request. */
const INVALID_EVERY = 97;
const INVALID_NUMBER = 'X1';

let sandbox: Sandbox;

beforeAll(async () => {
	// A high lock threshold keeps the 48-queries-a-day lock out of the fault counts.
	sandbox = await startSandbox({ lockAfter: 10_000 });
});

afterAll(async () => {
	await sandbox.close();
});

function credentials() {
	return { kuaidi100Api: { ...FAKE_ACCOUNT, baseUrl: sandbox.url } };
}

function trackParameters(options: INodeParameters): INodeParameters {
	return {
		resource: 'tracking',
		operation: 'track',
		carrier: { __rl: true, mode: 'code', value: 'yuantong' },
		trackingNumber: '={{ $json.number }}',
		options,
	};
}

/** Event count encoded in a SIM number: `SIM` + 3 digits of count + serial (the inputs here have fewer than 1,000 events). */
function simEventCount(number: string): number {
	return Number(number.slice(3, 6));
}

function pairedIndex(item: INodeExecutionData): number {
	const paired = item.pairedItem;
	if (paired === undefined || typeof paired === 'number' || Array.isArray(paired)) {
		throw new Error(`expected pairedItem { item: n }, got ${JSON.stringify(paired)}`);
	}
	return paired.item;
}

function queryRequestsByNumber(requests: RecordedRequest[]): Map<string, RecordedRequest[]> {
	const byNumber = new Map<string, RecordedRequest[]>();
	for (const request of requests) {
		if (request.path !== '/poll/query.do') continue;
		const num = String((request.param as IDataObject | null)?.num ?? '');
		byNumber.set(num, [...(byNumber.get(num) ?? []), request]);
	}
	return byNumber;
}

/** Splits an output into runs of consecutive items with the same pairedItem, in output order. */
function groupsOf(items: INodeExecutionData[]): Array<{ index: number; items: INodeExecutionData[] }> {
	const groups: Array<{ index: number; items: INodeExecutionData[] }> = [];
	for (const item of items) {
		const index = pairedIndex(item);
		const last = groups.at(-1);
		if (last && last.index === index) last.items.push(item);
		else groups.push({ index, items: [item] });
	}
	return groups;
}

/** Returns the hint, returnCode and Kuaidi100 message that a Continue On Fail error item carries under `details`. */
function detailsOf(item: INodeExecutionData): IDataObject {
	return (item.json.details ?? {}) as IDataObject;
}

function isErrorItem(item: INodeExecutionData): boolean {
	return typeof item.json.error === 'string';
}

function batchInput(firstSerial: number): Array<{ number: string }> {
	return Array.from({ length: ITEM_COUNT }, (_, index) => ({
		// 0 to 4 events; a waybill without events gives one no_information item.
		number: index % INVALID_EVERY === 5 ? INVALID_NUMBER : simNumber(index % 5, firstSerial + index),
	}));
}

/** Checks the outcome of every input item against what the sandbox saw for its number. */
function checkOutcomes(
	input: Array<{ number: string }>,
	successes: Map<number, INodeExecutionData[]>,
	errors: Map<number, INodeExecutionData>,
): void {
	const requests = queryRequestsByNumber(sandbox.requests);
	let retried = 0;
	let failedAfterRetries = 0;

	for (let index = 0; index < input.length; index++) {
		const { number } = input[index];
		const success = successes.get(index);
		const error = errors.get(index);
		// Exactly one outcome per item.
		expect([index, success !== undefined, error !== undefined]).not.toEqual([index, true, true]);
		expect([index, success !== undefined || error !== undefined]).toEqual([index, true]);

		const sent = requests.get(number) ?? [];
		if (number === INVALID_NUMBER) {
			expect([index, error?.json.error]).toEqual([index, expect.stringContaining('6 to 32 characters')]);
			continue;
		}
		expect([index, sent.length >= 1]).toEqual([index, true]);
		expect([index, sent.length <= 1 + RETRIES]).toEqual([index, true]);

		// Only transient faults are retried, and nothing is sent after a usable response.
		const faults = sent.map((request) => request.fault);
		for (const fault of faults.slice(0, -1)) {
			expect([index, fault]).not.toEqual([index, null]);
			expect([index, fault, TRANSIENT_FAULTS.has(fault as FaultKind)]).toEqual([index, fault, true]);
		}
		if (sent.length > 1) retried++;

		const lastFault = faults.at(-1) ?? null;
		if (lastFault === null) {
			const events = simEventCount(number);
			expect([index, success?.length]).toEqual([index, Math.max(1, events)]);
			expect([index, success?.every((item) => item.json.trackingNumber === number)]).toEqual([index, true]);
			expect([index, success?.[0].json.eventCount]).toEqual([index, events]);
		} else {
			expect([index, error !== undefined]).toEqual([index, true]);
			if (TRANSIENT_FAULTS.has(lastFault)) {
				failedAfterRetries++;
				expect([index, sent.length]).toEqual([index, 1 + RETRIES]);
			}
		}
	}

	// The fault rates below make these cases certain for this seed; without them the test proves little.
	expect(retried).toBeGreaterThan(20);
	expect(failedAfterRetries).toBeGreaterThan(0);
	const seenFaults = new Set(sandbox.requests.map((request) => request.fault));
	for (const kind of ['reset', 'timeout', 'http5xx', 'malformed', 'busy'] as const) {
		expect([kind, seenFaults.has(kind)]).toEqual([kind, true]);
	}
}

describe('batch under faults', () => {
	const faults = {
		latencyMs: 1,
		latencyJitterMs: 6,
		busyRate: 0.12,
		http5xxRate: 0.1,
		resetRate: 0.06,
		timeoutRate: 0.012,
		malformedRate: 0.02,
	};
	const options = { maxConcurrency: 25, retries: RETRIES, retryDelay: 5, timeout: 1000 };

	test('error output gets one item per failure', async () => {
		sandbox.clearRequests();
		sandbox.setFaults({ ...faults, seed: 20260501 });
		const input = batchInput(100_000);

		const { outputs, error } = await runNode({
			type: 'kuaidi100',
			parameters: trackParameters(options),
			input,
			credentials: credentials(),
			onError: 'continueErrorOutput',
		});
		sandbox.setFaults({});

		expect(error).toBeUndefined();
		expect(outputs).toHaveLength(2);
		const [successItems, errorItems] = outputs;

		// Success items: each input index forms one contiguous group, in input order.
		const successGroups = groupsOf(successItems);
		const successIndexes = successGroups.map((group) => group.index);
		expect(successIndexes).toEqual([...successIndexes].sort((a, b) => a - b));
		expect(new Set(successIndexes).size).toBe(successIndexes.length);
		expect(successItems.some(isErrorItem)).toBe(false);

		// Error items: one per failed input index, in input order.
		const errorIndexes = errorItems.map(pairedIndex);
		expect(errorIndexes).toEqual([...errorIndexes].sort((a, b) => a - b));
		expect(new Set(errorIndexes).size).toBe(errorIndexes.length);
		expect(errorItems.every(isErrorItem)).toBe(true);

		expect(successIndexes.length + errorIndexes.length).toBe(ITEM_COUNT);
		checkOutcomes(
			input,
			new Map(successGroups.map((group) => [group.index, group.items])),
			new Map(errorItems.map((item) => [pairedIndex(item), item])),
		);
	});

	test('regular output keeps input order', async () => {
		sandbox.clearRequests();
		sandbox.setFaults({ ...faults, seed: 7 });
		const input = batchInput(200_000);

		const { outputs, error } = await runNode({
			type: 'kuaidi100',
			parameters: trackParameters(options),
			input,
			credentials: credentials(),
			onError: 'continueRegularOutput',
		});
		sandbox.setFaults({});

		expect(error).toBeUndefined();
		expect(outputs).toHaveLength(1);
		const groups = groupsOf(outputs[0]);
		const indexes = groups.map((group) => group.index);

		// Every input index appears once, as one contiguous group, in input order.
		expect(indexes).toEqual(Array.from({ length: ITEM_COUNT }, (_, index) => index));

		const successes = new Map<number, INodeExecutionData[]>();
		const errors = new Map<number, INodeExecutionData>();
		for (const group of groups) {
			const errorCount = group.items.filter(isErrorItem).length;
			if (errorCount === 0) {
				successes.set(group.index, group.items);
				continue;
			}
			// An error group is exactly one error item.
			expect([group.index, group.items.length, errorCount]).toEqual([group.index, 1, 1]);
			errors.set(group.index, group.items[0]);
		}
		checkOutcomes(input, successes, errors);
	});
});

describe('retry policy', () => {
	const RETRIES_MAX = 5;
	const options = { retries: RETRIES_MAX, retryDelay: 1, whenNoEvents: 'error', maxConcurrency: 10 };

	// Codes from Kuaidi100's return code table that another attempt cannot change.
	const permanent: Array<[string, string]> = [
		['400', ERROR_TRIGGER_NUMBERS.code400],
		['408', ERROR_TRIGGER_NUMBERS.code408],
		['500', ERROR_TRIGGER_NUMBERS.code500],
		['503', ERROR_TRIGGER_NUMBERS.code503],
		['601', ERROR_TRIGGER_NUMBERS.code601],
	];

	test.each(permanent)('returnCode %s is sent once', async (code, number) => {
		sandbox.clearRequests();
		const { outputs, error } = await runNode({
			type: 'kuaidi100',
			parameters: trackParameters(options),
			input: [{ number }],
			credentials: credentials(),
			onError: 'continueErrorOutput',
		});

		expect(error).toBeUndefined();
		expect(queryRequestsByNumber(sandbox.requests).get(number)).toHaveLength(1);
		expect(outputs[1]).toHaveLength(1);
		expect(detailsOf(outputs[1][0]).returnCode).toBe(code);
	});

	test('locked number is sent once', async () => {
		sandbox.clearRequests();
		const { outputs } = await runNode({
			type: 'kuaidi100',
			parameters: trackParameters({ retries: RETRIES_MAX, retryDelay: 1 }),
			input: [{ number: ERROR_TRIGGER_NUMBERS.locked }],
			credentials: credentials(),
			onError: 'continueErrorOutput',
		});

		expect(queryRequestsByNumber(sandbox.requests).get(ERROR_TRIGGER_NUMBERS.locked)).toHaveLength(1);
		// A lock is an error even when "no result" would output an item, and it points to push tracking.
		expect(outputs[0]).toHaveLength(0);
		expect(outputs[1]).toHaveLength(1);
		expect(outputs[1][0].json.error).toMatch(/locked/i);
		expect(detailsOf(outputs[1][0]).description).toMatch(/Subscribe/);
		expect(detailsOf(outputs[1][0]).description).toMatch(/Kuaidi100 Trigger/);
	});

	test('busy 502 is retried to the bound', async () => {
		sandbox.clearRequests();
		const { outputs } = await runNode({
			type: 'kuaidi100',
			parameters: trackParameters(options),
			input: [{ number: ERROR_TRIGGER_NUMBERS.code502 }],
			credentials: credentials(),
			onError: 'continueErrorOutput',
		});

		expect(queryRequestsByNumber(sandbox.requests).get(ERROR_TRIGGER_NUMBERS.code502)).toHaveLength(1 + RETRIES_MAX);
		expect(outputs[1]).toHaveLength(1);
		expect(detailsOf(outputs[1][0]).returnCode).toBe('502');
	});

	test('HTTP 502 page is retried to the bound', async () => {
		sandbox.clearRequests();
		const { outputs } = await runNode({
			type: 'kuaidi100',
			parameters: trackParameters(options),
			input: [{ number: ERROR_TRIGGER_NUMBERS.htmlPage502 }],
			credentials: credentials(),
			onError: 'continueErrorOutput',
		});

		expect(queryRequestsByNumber(sandbox.requests).get(ERROR_TRIGGER_NUMBERS.htmlPage502)).toHaveLength(1 + RETRIES_MAX);
		expect(outputs[1]).toHaveLength(1);
		expect(outputs[1][0].json.error).toMatch(/HTTP 502/);
	});

	test('retries 0 sends busy once', async () => {
		sandbox.clearRequests();
		await runNode({
			type: 'kuaidi100',
			parameters: trackParameters({ retries: 0 }),
			input: [{ number: ERROR_TRIGGER_NUMBERS.code502 }],
			credentials: credentials(),
			onError: 'continueErrorOutput',
		});

		expect(queryRequestsByNumber(sandbox.requests).get(ERROR_TRIGGER_NUMBERS.code502)).toHaveLength(1);
	});
});

describe('rate limit', () => {
	const PER_SECOND = 20;
	const RATE_RETRIES = 4;

	// Spacing in time is checked with fake timers in ratelimit.test.ts. Here the engine runs on real
	// time, so the checks are about which requests pass the limiter, never about when they arrive.
	test('every attempt passes one limiter', async () => {
		sandbox.clearRequests();
		// Busy responses force retries, which must wait for the limiter like first attempts.
		sandbox.setFaults({ busyRate: 0.3, seed: 99 });
		const input = Array.from({ length: 8 }, (_, index) => ({ number: simNumber(1, 300_000 + index) }));
		const acquire = jest.spyOn(RateLimiter.prototype, 'acquire');

		let result: Awaited<ReturnType<typeof runNode>>;
		// The limiter instance each acquisition ran on; mockRestore() clears the spy's records.
		let limiters: unknown[];
		try {
			result = await runNode({
				type: 'kuaidi100',
				parameters: trackParameters({ maxRequestsPerSecond: PER_SECOND, maxConcurrency: 8, retries: RATE_RETRIES, retryDelay: 0 }),
				input,
				credentials: credentials(),
				onError: 'continueErrorOutput',
			});
		} finally {
			limiters = [...acquire.mock.contexts];
			acquire.mockRestore();
			sandbox.setFaults({});
		}
		const { outputs, error } = result;

		expect(error).toBeUndefined();
		const busyAnswers = sandbox.requests.filter((request) => request.fault === 'busy').length;
		expect(busyAnswers).toBeGreaterThan(0);

		// Every request, retries included, waited for the limiter, and all items shared one limiter.
		expect(limiters).toHaveLength(sandbox.requests.length);
		expect(new Set(limiters).size).toBe(1);

		// Each number was sent until its first usable response and never again, or 1 + Retries times when all were busy.
		const requests = queryRequestsByNumber(sandbox.requests);
		const successIndexes = outputs[0].map(pairedIndex);
		const errorIndexes = (outputs[1] ?? []).map(pairedIndex);
		for (let index = 0; index < input.length; index++) {
			const faults = (requests.get(input[index].number) ?? []).map((request) => request.fault);
			const busyCount = faults.filter((fault) => fault === 'busy').length;
			if (successIndexes.includes(index)) {
				expect([index, faults.at(-1)]).toEqual([index, null]);
				expect([index, faults.length]).toEqual([index, busyCount + 1]);
			} else {
				expect([index, faults]).toEqual([index, Array(1 + RATE_RETRIES).fill('busy')]);
			}
		}

		// One item per input item (the SIM numbers have one event each), in input order and paired with it.
		expect([...successIndexes, ...errorIndexes].sort((a, b) => a - b)).toEqual(input.map((_, index) => index));
		expect(successIndexes).toEqual([...successIndexes].sort((a, b) => a - b));
		expect(errorIndexes).toEqual([...errorIndexes].sort((a, b) => a - b));
		expect(outputs[0].map((item) => item.json.trackingNumber)).toEqual(successIndexes.map((index) => input[index].number));
	});

	test('limiter of a run spaces departures', async () => {
		const acquire = jest.spyOn(RateLimiter.prototype, 'acquire');
		let limiters: unknown[];
		try {
			await runNode({
				type: 'kuaidi100',
				// Pacing spaces by 0.75 x the response time / concurrency. At 50 concurrent requests it stays
				// below the 1/PER_SECOND s interval unless the response took more than 3.3 s.
				parameters: trackParameters({ maxRequestsPerSecond: PER_SECOND, maxConcurrency: 50 }),
				input: [{ number: simNumber(1, 299_999) }],
				credentials: credentials(),
			});
		} finally {
			limiters = [...acquire.mock.contexts];
			acquire.mockRestore();
		}
		expect(limiters).toHaveLength(1);
		const limiter = limiters[0] as RateLimiter;

		// The engine built this limiter from Max Requests per Second. Driven by fake timers, set well
		// after the run's only departure, it lets one request leave at once and the next ones one
		// interval of 1/PER_SECOND s apart.
		const start = Date.now() + 60_000;
		jest.useFakeTimers({ now: start });
		try {
			const times: number[] = [];
			for (let index = 0; index < 3; index++) {
				void limiter.acquire().then(() => {
					times[index] = Date.now();
				});
			}
			await jest.advanceTimersByTimeAsync(1000);

			expect(times).toEqual([start, start + 1000 / PER_SECOND, start + 2000 / PER_SECOND]);
		} finally {
			jest.useRealTimers();
		}
	});
});
