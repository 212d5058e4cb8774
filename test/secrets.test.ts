/**
 * Secrets stay secret whatever goes wrong on the way to Kuaidi100. No error message, description,
 * serialised error, output item, run data or log line may contain the key, the customer, the push
 * salt or a signature input (param + key + customer). Every operation and the credential test run
 * against a closed port, a reset connection, HTTP 5xx, a rejection by Kuaidi100 and a malformed body.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { INodeParameters } from 'n8n-workflow';

import { runNode, testCredential } from './harness';
import type { RunNodeResult } from './harness';
import { WAYBILL_NUMBERS, startSandbox } from './sandbox';
import type { FaultOptions, Sandbox } from './sandbox';

// Distinctive values the sandbox does not know, so that any copy of them in the output is a leak.
const CREDENTIALS = {
	customer: 'CUSTLEAK7Q000000000000000000000Z',
	key: 'K3yLeak7Qx',
	salt: 's4ltLeak7Q',
};

// The param Track sends for this number with default options; its sign input ends with key + customer.
const TRACK_PARAM = `{"com":"yuantong","num":"${WAYBILL_NUMBERS.yuantongInTransit}","order":"desc"}`;

const SECRETS = [
	CREDENTIALS.key,
	CREDENTIALS.customer,
	CREDENTIALS.salt,
	CREDENTIALS.key + CREDENTIALS.customer,
	TRACK_PARAM + CREDENTIALS.key + CREDENTIALS.customer,
];

// One retry without delay, so the retry log line is written and the run stays fast.
const REQUEST_OPTIONS = { retries: 1, retryDelay: 0 };

const CALLBACK_URL = 'http://127.0.0.1:9/webhook/kuaidi100';

type OperationName = 'track' | 'trackAuto' | 'subscribe' | 'detect';

const OPERATIONS: Record<OperationName, INodeParameters> = {
	track: {
		resource: 'tracking',
		operation: 'track',
		carrier: { __rl: true, mode: 'code', value: 'yuantong' },
		trackingNumber: WAYBILL_NUMBERS.yuantongInTransit,
		options: REQUEST_OPTIONS,
	},
	trackAuto: {
		resource: 'tracking',
		operation: 'track',
		carrier: { __rl: true, mode: 'code', value: 'auto' },
		trackingNumber: WAYBILL_NUMBERS.yuantongInTransit,
		options: REQUEST_OPTIONS,
	},
	subscribe: {
		resource: 'tracking',
		operation: 'subscribe',
		carrier: { __rl: true, mode: 'code', value: 'yuantong' },
		trackingNumber: WAYBILL_NUMBERS.yuantongInTransit,
		callbackUrl: CALLBACK_URL,
		options: REQUEST_OPTIONS,
	},
	detect: {
		resource: 'carrier',
		operation: 'detect',
		trackingNumber: WAYBILL_NUMBERS.yuantongInTransit,
		options: REQUEST_OPTIONS,
	},
};

// What Kuaidi100 returns for an unknown account on each endpoint: a bad signature (503) on the
// query, an unknown key (600) on subscription, an expired or unknown key (601) on detection.
const REJECTION_CODES: Record<OperationName, string> = {
	track: '503',
	trackAuto: '601',
	subscribe: '600',
	detect: '601',
};

type FaultName = 'closedPort' | 'reset' | 'http5xx' | 'rejected' | 'malformed';

const SANDBOX_FAULTS: Record<Exclude<FaultName, 'closedPort'>, FaultOptions> = {
	reset: { resetRate: 1, seed: 11 },
	http5xx: { http5xxRate: 1, seed: 12 },
	rejected: {},
	malformed: { malformedRate: 1, seed: 13 },
};

function expectedMessage(fault: FaultName, operation: OperationName): RegExp {
	switch (fault) {
		case 'closedPort':
		case 'reset':
			return /Could not reach Kuaidi100/;
		case 'http5xx':
			return /HTTP 50[0-4]/;
		case 'rejected':
			return new RegExp(`returnCode ${REJECTION_CODES[operation]}`);
		case 'malformed':
			return /Unexpected response from Kuaidi100/;
	}
}

let sandbox: Sandbox;
let closedPortUrl: string;

beforeAll(async () => {
	sandbox = await startSandbox();

	const probe = createServer();
	await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
	closedPortUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
	await new Promise<void>((resolve) => probe.close(() => resolve()));
});

afterAll(async () => {
	await sandbox.close();
});

beforeEach(() => {
	sandbox.setFaults({});
	sandbox.clearRequests();
});

function prepare(fault: FaultName): string {
	if (fault === 'closedPort') {
		return closedPortUrl;
	}
	sandbox.setFaults(SANDBOX_FAULTS[fault]);
	return sandbox.url;
}

/** Returns every text of a run that a user or an operator can see, each labelled with where it came from. */
function visibleTexts(result: RunNodeResult): Array<[string, string]> {
	const texts: Array<[string, string]> = [
		['error message', result.error?.message ?? ''],
		['error description', String(result.error?.description ?? '')],
		['error JSON', JSON.stringify(result.error ?? null)],
		['run data', JSON.stringify(result.runData)],
	];
	result.outputs.forEach((items, output) =>
		items.forEach((item, index) => texts.push([`output ${output} item ${index}`, JSON.stringify(item)])),
	);
	result.logs.forEach((line, index) => texts.push([`log line ${index}`, line]));
	return texts;
}

function expectNoSecrets(texts: Array<[string, string]>): void {
	for (const [where, text] of texts) {
		for (const secret of SECRETS) {
			expect([where, text.includes(secret)]).toEqual([where, false]);
		}
	}
}

/** Error messages of a run: the node's error, or the `error` field of error items. */
function errorMessages(result: RunNodeResult): string[] {
	if (result.error) {
		return [result.error.message];
	}
	return result.outputs.flat().map((item) => String(item.json.error ?? ''));
}

const FAULTS: FaultName[] = ['closedPort', 'reset', 'http5xx', 'rejected', 'malformed'];
const ON_ERROR = ['stopWorkflow', 'continueRegularOutput', 'continueErrorOutput'] as const;

const cases = (Object.keys(OPERATIONS) as OperationName[]).flatMap((operation) =>
	FAULTS.map((fault) => [operation, fault] as const),
);

describe('node run keeps secrets', () => {
	test.each(cases)('%s with %s', async (operation, fault) => {
		const baseUrl = prepare(fault);

		for (const onError of ON_ERROR) {
			const result = await runNode({
				type: 'kuaidi100',
				parameters: OPERATIONS[operation],
				input: [{ orderId: 1 }, { orderId: 2 }],
				credentials: { kuaidi100Api: { ...CREDENTIALS, baseUrl } },
				onError,
			});

			const messages = errorMessages(result);
			expect([onError, messages.length]).toEqual([onError, onError === 'stopWorkflow' ? 1 : 2]);
			for (const message of messages) {
				expect(message).toMatch(expectedMessage(fault, operation));
			}
			expectNoSecrets(visibleTexts(result));
		}

		// A live sandbox must have received the requests, or the fault was never exercised.
		if (fault !== 'closedPort') {
			expect(sandbox.requests.length).toBeGreaterThan(0);
		}
	});

	test.each([
		['track', /swapped/],
		['trackAuto', /returnCode 601/],
		['subscribe', /returnCode 600/],
		['detect', /returnCode 601/],
	] as const)('%s with swapped credentials', async (operation, expected) => {
		const swapped = { customer: CREDENTIALS.key, key: CREDENTIALS.customer, salt: CREDENTIALS.salt };

		for (const onError of ON_ERROR) {
			const result = await runNode({
				type: 'kuaidi100',
				parameters: OPERATIONS[operation],
				credentials: { kuaidi100Api: { ...swapped, baseUrl: sandbox.url } },
				onError,
			});

			for (const message of errorMessages(result)) {
				expect(message).toMatch(expected);
			}
			expectNoSecrets(visibleTexts(result));
		}
	});

	test('short customer names only its length', async () => {
		const customer = 'CUSTLEAK7Q';
		const result = await runNode({
			type: 'kuaidi100',
			parameters: OPERATIONS.track,
			credentials: { kuaidi100Api: { ...CREDENTIALS, customer, baseUrl: sandbox.url } },
		});

		expect(result.error?.message).toContain('10 characters');
		expect(sandbox.requests).toHaveLength(0);
		for (const [where, text] of visibleTexts(result)) {
			expect([where, text.includes(customer)]).toEqual([where, false]);
		}
		expectNoSecrets(visibleTexts(result));
	});

	test('retries are logged without secrets', async () => {
		const baseUrl = prepare('http5xx');
		const result = await runNode({
			type: 'kuaidi100',
			parameters: OPERATIONS.track,
			credentials: { kuaidi100Api: { ...CREDENTIALS, baseUrl } },
		});

		expect(result.logs.some((line) => /Retrying Kuaidi100 request/.test(line))).toBe(true);
		expectNoSecrets(visibleTexts(result));
	});

	test('sandbox saw the secrets', async () => {
		// The checks above are meaningful only if the credentials reached the wire in these forms.
		prepare('rejected');
		for (const operation of ['track', 'subscribe', 'detect'] as const) {
			await runNode({
				type: 'kuaidi100',
				parameters: OPERATIONS[operation],
				credentials: { kuaidi100Api: { ...CREDENTIALS, baseUrl: sandbox.url } },
			});
		}

		const [query, subscribe, detect] = sandbox.requests;
		expect(query.form.customer).toBe(CREDENTIALS.customer);
		expect(query.form.param).toBe(TRACK_PARAM);
		expect(subscribe.rawBody).toContain(CREDENTIALS.key);
		expect(subscribe.rawBody).toContain(CREDENTIALS.salt);
		expect(detect.query.key).toBe(CREDENTIALS.key);
	});
});

describe('credential test keeps secrets', () => {
	test.each(FAULTS)('%s', async (fault) => {
		const baseUrl = prepare(fault);

		const result = await testCredential('kuaidi100Api', { ...CREDENTIALS, baseUrl });

		expect(result.status).toBe('Error');
		const texts: Array<[string, string]> = [
			['message', result.message],
			...result.logs.map((line, index): [string, string] => [`log line ${index}`, line]),
		];
		expectNoSecrets(texts);
	});
});
