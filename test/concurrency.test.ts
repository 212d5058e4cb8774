/**
 * Max Concurrent Requests and the Auto-detect candidate bound, run through n8n's engine and checked
 * on the sandbox's side: how many requests it handles at once, and which requests arrive.
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { runNode } from './harness';
import { FAKE_ACCOUNT, simNumber, startSandbox, UNTRACKED_DETECTED_NUMBERS, type Sandbox } from './sandbox';

/**
 * Fixed delay before every sandbox response. The node sends the first requests of a batch together
 * and then keeps every free slot busy, so a delay this long keeps each request open while the
 * others start, and the count in flight reaches the limit.
 */
const LATENCY_MS = 50;
const ITEM_COUNT = 40;

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox();
});

afterAll(async () => {
	await sandbox.close();
});

beforeEach(() => {
	sandbox.setFaults({});
	sandbox.clearRequests();
	sandbox.resetPeakInFlight();
});

function credentials() {
	return { kuaidi100Api: { ...FAKE_ACCOUNT, baseUrl: sandbox.url } };
}

function trackParameters(carrier: string, options: INodeParameters): INodeParameters {
	return {
		resource: 'tracking',
		operation: 'track',
		carrier: { __rl: true, mode: 'code', value: carrier },
		trackingNumber: '={{ $json.number }}',
		phone: '',
		output: 'shipment',
		options,
	};
}

function queryRequests(): IDataObject[] {
	return sandbox.requests.filter((request) => request.path === '/poll/query.do').map((request) => request.param as IDataObject);
}

function pairedIndexes(items: INodeExecutionData[]): unknown[] {
	return items.map((item) => item.pairedItem);
}

/** Sends a carrier detection request straight to the sandbox and returns the parsed body. */
async function detectDirectly(number: string): Promise<unknown> {
	const url = `${sandbox.url}/autonumber/auto?key=${encodeURIComponent(FAKE_ACCOUNT.key)}&num=${encodeURIComponent(number)}`;
	const response = await fetch(url);
	return await response.json();
}

describe('sandbox in-flight count', () => {
	test('concurrent requests raise the peak', async () => {
		sandbox.setFaults({ latencyMs: LATENCY_MS, seed: 1 });
		await Promise.all([1, 2, 3].map(async (serial) => await detectDirectly(simNumber(1, serial))));

		expect(sandbox.peakInFlight).toBe(3);
		expect(sandbox.inFlight).toBe(0);
	});

	test('serial requests keep peak 1', async () => {
		sandbox.setFaults({ latencyMs: LATENCY_MS, seed: 1 });
		for (const serial of [1, 2, 3]) await detectDirectly(simNumber(1, serial));

		expect(sandbox.peakInFlight).toBe(1);
	});

	test('reset starts from zero', async () => {
		sandbox.setFaults({ latencyMs: LATENCY_MS, seed: 1 });
		await Promise.all([1, 2].map(async (serial) => await detectDirectly(simNumber(1, serial))));
		expect(sandbox.peakInFlight).toBe(2);

		sandbox.resetPeakInFlight();

		expect(sandbox.peakInFlight).toBe(0);
	});
});

describe('Track Max Concurrent Requests', () => {
	beforeAll(async () => {
		// A first run loads the node's code paths, so loading does not hold back the measured runs.
		await runNode({
			type: 'kuaidi100',
			parameters: trackParameters('yuantong', {}),
			input: [{ number: simNumber(1, 1) }],
			credentials: credentials(),
		});
	});

	// The sandbox counts a request out before the client can see its response, so a peak above the
	// limit means the node had more requests open. The peak reaches the limit because the first
	// `limit` requests leave together and pacing keeps departures closer than one response time
	// divided by the limit.
	test.each([1, 4, 10])('maxConcurrency %i is the peak', async (limit) => {
		// Jitter makes responses come back out of input order.
		sandbox.setFaults({ latencyMs: LATENCY_MS, latencyJitterMs: 20, seed: limit });
		const input = Array.from({ length: ITEM_COUNT }, (_, index) => ({ number: simNumber(2, limit * 1_000 + index) }));

		const { outputs, error } = await runNode({
			type: 'kuaidi100',
			parameters: trackParameters('yuantong', { maxConcurrency: limit }),
			input,
			credentials: credentials(),
		});

		expect(error).toBeUndefined();
		expect(sandbox.peakInFlight).toBe(limit);
		expect(sandbox.inFlight).toBe(0);

		// Each number is queried once.
		expect(queryRequests().map((param) => param.num).sort()).toEqual(input.map((entry) => entry.number).sort());

		// One shipment item per input item, in input order and paired with it.
		expect(outputs[0].map((item) => item.json.trackingNumber)).toEqual(input.map((entry) => entry.number));
		expect(pairedIndexes(outputs[0])).toEqual(input.map((_, index) => ({ item: index })));
	});
});

describe('Auto-detect candidate bound', () => {
	const number = UNTRACKED_DETECTED_NUMBERS.fiveCandidates;

	test('sandbox detects five candidates', async () => {
		// Without more than three candidates the bound below would hold trivially.
		const candidates = (await detectDirectly(number)) as IDataObject[];

		expect(candidates.map((candidate) => candidate.comCode)).toEqual(['yunda', 'shentong', 'yuantong', 'jtexpress', 'ems']);
	});

	test('tries at most three candidates', async () => {
		const { outputs, error } = await runNode({
			type: 'kuaidi100',
			parameters: trackParameters('auto', {}),
			input: [{ number }],
			credentials: credentials(),
		});

		expect(error).toBeUndefined();
		expect(sandbox.requests.map((request) => request.path)).toEqual([
			'/autonumber/auto',
			'/poll/query.do',
			'/poll/query.do',
			'/poll/query.do',
		]);
		// The three best candidates, best first. None of them has a result for this number.
		expect(queryRequests().map((param) => param.com)).toEqual(['yunda', 'shentong', 'yuantong']);
		expect(sandbox.requests.map((request) => request.returnCode)).toEqual([null, '500', '500', '500']);

		expect(outputs[0]).toHaveLength(1);
		expect(outputs[0][0].json.trackingNumber).toBe(number);
		expect(outputs[0][0].json.status).toBe('no_information');
		expect(outputs[0][0].pairedItem).toEqual({ item: 0 });
	});
});
