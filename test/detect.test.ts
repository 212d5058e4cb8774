/**
 * Carrier detection (Kuaidi100's smart number recognition, `/autonumber/auto`) through n8n's engine:
 * the Carrier → Detect operation, Track with Auto-detect, carrier codes in other vocabularies and
 * the carrier list search. Expected values come from Kuaidi100's documentation, the sandbox's
 * catalogue (written out literally) and the carrier code table.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type {
	IDataObject,
	ILoadOptionsFunctions,
	INodeExecutionData,
	INodeListSearchResult,
	INodeParameters,
	INodeType,
} from 'n8n-workflow';

import { loadNodeTypes, runNode } from './harness';
import type { RunNodeResult } from './harness';
import {
	FAKE_ACCOUNT,
	FREE_ACCOUNT,
	SHUNFENG_PHONE,
	WAYBILL_NUMBERS,
	ZHONGTONG_PHONE,
	startSandbox,
} from './sandbox';
import type { Sandbox, SandboxAccount } from './sandbox';
import { loadCarrierNames } from './sandbox/carriers';

const DETECT_PATH = '/autonumber/auto';
const QUERY_PATH = '/poll/query.do';

// A number of valid characters that matches no carrier's numbering: the sandbox detects nothing.
const UNRECOGNISED_NUMBER = 'QQ00000000';
// The underscore is printable ASCII, so the node sends it, but Kuaidi100 rejects it (returnCode 201).
const INVALID_NUMBER = 'AB_1234567';

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
});

function credentialsFor(account: SandboxAccount = FAKE_ACCOUNT, baseUrl = sandbox.url) {
	return { kuaidi100Api: { ...account, baseUrl } };
}

function carrier(value: string, mode: 'code' | 'list' = 'code') {
	return { __rl: true, mode, value };
}

function detectParameters(trackingNumber: string, options: INodeParameters = {}): INodeParameters {
	return { resource: 'carrier', operation: 'detect', trackingNumber, options };
}

function trackParameters(carrierValue: string, trackingNumber: string, extra: INodeParameters = {}): INodeParameters {
	return {
		resource: 'tracking',
		operation: 'track',
		carrier: carrier(carrierValue),
		trackingNumber,
		output: 'shipment',
		...extra,
	};
}

function json(result: RunNodeResult): IDataObject[] {
	return (result.outputs[0] ?? []).map((item: INodeExecutionData) => item.json);
}

function requestsTo(path: string) {
	return sandbox.requests.filter((request) => request.path === path);
}

function queriedCarriers(): string[] {
	return requestsTo(QUERY_PATH).map((request) => (request.param as IDataObject).com as string);
}

/** Starts a loopback server that replies to every request with the same JSON body and HTTP 200. */
async function startFixedReplyServer(body: unknown): Promise<{ server: Server; url: string }> {
	const server = createServer((request, response) => {
		request.resume();
		request.on('end', () => {
			response.writeHead(200, { 'content-type': 'application/json;charset=UTF-8' });
			response.end(JSON.stringify(body));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function stopServer(server: Server): Promise<void> {
	server.closeAllConnections();
	await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Returns a loopback port with nothing listening on it, so connecting fails with ECONNREFUSED. */
async function closedPort(): Promise<number> {
	const probe = createServer();
	await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
	const { port } = probe.address() as AddressInfo;
	await new Promise<void>((resolve) => probe.close(() => resolve()));
	return port;
}

describe('Detect operation', () => {
	test('array answer lists candidates', async () => {
		const result = await runNode({
			type: 'kuaidi100',
			parameters: detectParameters(WAYBILL_NUMBERS.shentongReturned),
			credentials: credentialsFor(),
		});

		expect(result.error).toBeUndefined();
		const items = json(result);
		expect(items).toHaveLength(1);
		const [item] = items;
		expect(item.trackingNumber).toBe('773100000000004');
		expect(item.recognised).toBe(true);
		expect(item.carrierCode).toBe('yunda');
		expect(item.carrierName).toBe('韵达快递');
		expect(item.carrierNameEn).toBe('Yunda Express');
		// The sandbox detects yunda, shentong and zhongtong for this catalogue number, and lengthPre is the number's length.
		expect(item.candidates).toEqual([
			{ rank: 1, code: 'yunda', name: '韵达快递', nameEn: 'Yunda Express', lengthPre: 15 },
			{ rank: 2, code: 'shentong', name: '申通快递', nameEn: 'STO Express', lengthPre: 15 },
			{ rank: 3, code: 'zhongtong', name: '中通快递', nameEn: 'ZTO Express', lengthPre: 15 },
		]);
	});

	test('one item per input item', async () => {
		const result = await runNode({
			type: 'kuaidi100',
			parameters: detectParameters('={{ $json.number }}'),
			input: [
				{ number: WAYBILL_NUMBERS.yuantongInTransit },
				{ number: UNRECOGNISED_NUMBER },
				{ number: WAYBILL_NUMBERS.shunfengOutForDelivery },
			],
			credentials: credentialsFor(),
		});

		expect(result.error).toBeUndefined();
		const items = result.outputs[0];
		expect(items).toHaveLength(3);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(items.map((item) => item.json.carrierCode)).toEqual(['yuantong', null, 'shunfeng']);
		expect(items.map((item) => item.json.recognised)).toEqual([true, false, true]);
	});

	test('key travels in query string', async () => {
		await runNode({
			type: 'kuaidi100',
			parameters: detectParameters(WAYBILL_NUMBERS.yuantongInTransit),
			credentials: credentialsFor(),
		});

		const requests = requestsTo(DETECT_PATH);
		expect(requests).toHaveLength(1);
		const [request] = requests;
		expect(request.method).toBe('POST');
		expect(request.query.key).toBe(FAKE_ACCOUNT.key);
		expect(request.query.num).toBe('YT7100000000001');
		expect(request.query.sign).toBeUndefined();
		expect(request.form.sign).toBeUndefined();
		expect(request.rawBody).not.toContain('sign');
		expect(request.query.customer).toBeUndefined();
		expect(request.rawBody).not.toContain(FAKE_ACCOUNT.customer);
	});

	test('reserved characters arrive intact', async () => {
		const key = 'K3y+F&a=e%20 x#y';
		await runNode({
			type: 'kuaidi100',
			parameters: detectParameters('YT71000+0001'),
			credentials: { kuaidi100Api: { ...FAKE_ACCOUNT, key, baseUrl: sandbox.url } },
		});

		const [request] = requestsTo(DETECT_PATH);
		expect(request.query.key).toBe(key);
		expect(request.query.num).toBe('YT71000+0001');
	});

	test('empty array means not recognised', async () => {
		const result = await runNode({
			type: 'kuaidi100',
			parameters: detectParameters(UNRECOGNISED_NUMBER),
			credentials: credentialsFor(),
		});

		expect(result.error).toBeUndefined();
		expect(requestsTo(DETECT_PATH)[0].statusCode).toBe(200);
		expect(requestsTo(DETECT_PATH)[0].returnCode).toBeNull();
		const [item] = json(result);
		expect(item.recognised).toBe(false);
		expect(item.carrierCode).toBeNull();
		expect(item.carrierName).toBeNull();
		expect(item.carrierNameEn).toBeNull();
		expect(item.candidates).toEqual([]);
	});

	test('601 free account names the fix', async () => {
		const result = await runNode({
			type: 'kuaidi100',
			parameters: detectParameters(WAYBILL_NUMBERS.yuantongInTransit),
			credentials: credentialsFor(FREE_ACCOUNT),
		});

		expect(requestsTo(DETECT_PATH)[0].returnCode).toBe('601');
		expect(result.outputs[0] ?? []).toHaveLength(0);
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toContain('returnCode 601');
		expect(result.error?.message).toMatch(/detection/i);
		expect(result.error?.description).toMatch(/paid/i);
		expect(result.error?.description).toMatch(/select the carrier/i);
	});

	test('601 becomes an error item', async () => {
		const result = await runNode({
			type: 'kuaidi100',
			parameters: detectParameters(WAYBILL_NUMBERS.yuantongInTransit),
			credentials: credentialsFor(FREE_ACCOUNT),
			onError: 'continueRegularOutput',
		});

		expect(result.error).toBeUndefined();
		const [item] = json(result);
		const details = item.details as IDataObject;
		expect(item.error).toEqual(expect.stringContaining('returnCode 601'));
		expect(details.returnCode).toBe('601');
		expect(details.kuaidi100Message).toBe('POLL: KEY 已过期');
		expect(details.description).toEqual(expect.stringMatching(/paid/i));
	});

	test('empty key rejected before sending', async () => {
		const result = await runNode({
			type: 'kuaidi100',
			parameters: detectParameters(WAYBILL_NUMBERS.yuantongInTransit),
			credentials: { kuaidi100Api: { ...FAKE_ACCOUNT, key: '  ', baseUrl: sandbox.url } },
		});

		expect(sandbox.requests).toHaveLength(0);
		expect(result.error?.message).toMatch(/\bKey\b/);
		expect(result.error?.message).toMatch(/empty/i);
		expect(result.error?.message).not.toMatch(/Cannot read properties/);
	});

	test('701 key missing answer', async () => {
		const { server, url } = await startFixedReplyServer({ returnCode: '701', message: 'key缺失', result: false });
		try {
			const result = await runNode({
				type: 'kuaidi100',
				parameters: detectParameters(WAYBILL_NUMBERS.yuantongInTransit),
				credentials: credentialsFor(FAKE_ACCOUNT, url),
			});

			expect(result.error?.name).toBe('NodeApiError');
			expect(result.error?.message).toContain('returnCode 701');
			expect(result.error?.message).toContain('key缺失');
			expect(result.error?.message).toMatch(/key/i);
			expect(result.error?.description).toMatch(/\bKey\b/);
		} finally {
			await stopServer(server);
		}
	});

	test('tolerates variant candidate fields', async () => {
		// Kuaidi100's Java SDK types lengthPre as a string and adds noPre and noCount. Codes may
		// also come in another case, twice, or be missing from the bundled carrier table.
		const { server, url } = await startFixedReplyServer([
			{ lengthPre: '15', comCode: 'YuanTong', name: '圆通速递', noPre: 'YT71', noCount: '100' },
			{ lengthPre: 15, comCode: 'yuantong', name: '圆通速递' },
			{ comCode: 'newcarrier2030', name: '新快递' },
			{ lengthPre: 15, name: '无编码' },
		]);
		try {
			const result = await runNode({
				type: 'kuaidi100',
				parameters: detectParameters(WAYBILL_NUMBERS.yuantongInTransit),
				credentials: credentialsFor(FAKE_ACCOUNT, url),
			});

			expect(result.error).toBeUndefined();
			const [item] = json(result);
			expect(item.carrierCode).toBe('yuantong');
			expect(item.candidates).toEqual([
				{ rank: 1, code: 'yuantong', name: '圆通速递', nameEn: 'YTO Express', lengthPre: 15 },
				{ rank: 2, code: 'newcarrier2030', name: '新快递', nameEn: null, lengthPre: null },
			]);
		} finally {
			await stopServer(server);
		}
	});

	test('non-object candidates are skipped', async () => {
		const { server, url } = await startFixedReplyServer([null, 'yuantong', ['shentong'], { lengthPre: null, comCode: 'yunda' }]);
		try {
			const result = await runNode({
				type: 'kuaidi100',
				parameters: detectParameters(WAYBILL_NUMBERS.yuantongInTransit),
				credentials: credentialsFor(FAKE_ACCOUNT, url),
			});

			expect(result.error).toBeUndefined();
			expect(json(result)[0].candidates).toEqual([
				{ rank: 1, code: 'yunda', name: '韵达快递', nameEn: 'Yunda Express', lengthPre: null },
			]);
		} finally {
			await stopServer(server);
		}
	});

	test('object without returnCode is unexpected', async () => {
		const { server, url } = await startFixedReplyServer({ data: [{ comCode: 'yuantong' }] });
		try {
			const result = await runNode({
				type: 'kuaidi100',
				parameters: detectParameters(WAYBILL_NUMBERS.yuantongInTransit),
				credentials: credentialsFor(FAKE_ACCOUNT, url),
			});

			expect(result.outputs[0] ?? []).toHaveLength(0);
			expect(result.error?.message).toMatch(/Unexpected response from Kuaidi100 \(HTTP 200, body starts with/);
			expect(result.error?.description).toContain('API Base URL');
		} finally {
			await stopServer(server);
		}
	});

	test('201 invalid number answer', async () => {
		const result = await runNode({
			type: 'kuaidi100',
			parameters: detectParameters(INVALID_NUMBER),
			credentials: credentialsFor(),
		});

		expect(requestsTo(DETECT_PATH)[0].returnCode).toBe('201');
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toContain('returnCode 201');
		expect(result.error?.message).toMatch(/not .*valid tracking number/i);
	});
});

describe('Track with Auto-detect', () => {
	test('tries next candidate by default', async () => {
		const result = await runNode({
			type: 'kuaidi100',
			parameters: trackParameters('auto', WAYBILL_NUMBERS.shentongReturned),
			credentials: credentialsFor(),
		});

		expect(result.error).toBeUndefined();
		const items = json(result);
		expect(items).toHaveLength(1);
		const [item] = items;
		expect(item.carrierCode).toBe('shentong');
		expect(item.carrierName).toBe('申通快递');
		expect(item.status).toBe('returned');
		const candidates = (item.carrierCandidates as IDataObject[]).map((entry) => entry.code);
		expect(candidates.slice(0, 2)).toEqual(['yunda', 'shentong']);
		expect(candidates).toEqual(['yunda', 'shentong', 'zhongtong']);
		// yunda has no result for this number, so the next candidate was queried and the third was not.
		expect(queriedCarriers()).toEqual(['yunda', 'shentong']);
	});

	test('candidate names in output', async () => {
		const result = await runNode({
			type: 'kuaidi100',
			parameters: trackParameters('auto', WAYBILL_NUMBERS.shentongReturned, { output: 'events' }),
			credentials: credentialsFor(),
		});

		const items = json(result);
		expect(items).toHaveLength(5);
		for (const item of items) {
			expect(item.carrierCode).toBe('shentong');
			expect(item.carrierCandidates).toEqual([
				{ code: 'yunda', name: '韵达快递', nameEn: 'Yunda Express' },
				{ code: 'shentong', name: '申通快递', nameEn: 'STO Express' },
				{ code: 'zhongtong', name: '中通快递', nameEn: 'ZTO Express' },
			]);
		}
	});

	test('Auto-detect picked from list', async () => {
		const result = await runNode({
			type: 'kuaidi100',
			parameters: trackParameters('auto', WAYBILL_NUMBERS.shentongReturned, { carrier: carrier('auto', 'list') }),
			credentials: credentialsFor(),
		});

		expect(result.error).toBeUndefined();
		expect(json(result)[0].carrierCode).toBe('shentong');
		expect(requestsTo(DETECT_PATH)).toHaveLength(1);
	});

	test('first candidate only when disabled', async () => {
		const result = await runNode({
			type: 'kuaidi100',
			parameters: trackParameters('auto', WAYBILL_NUMBERS.shentongReturned, {
				options: { tryNextCandidate: false },
			}),
			credentials: credentialsFor(),
		});

		expect(result.error).toBeUndefined();
		const [item] = json(result);
		expect(item.carrierCode).toBe('yunda');
		expect(item.status).toBe('no_information');
		expect(queriedCarriers()).toEqual(['yunda']);
	});

	test('chosen carrier overrides detection', async () => {
		const result = await runNode({
			type: 'kuaidi100',
			parameters: trackParameters('shentong', WAYBILL_NUMBERS.shentongReturned),
			credentials: credentialsFor(),
		});

		const [item] = json(result);
		expect(item.carrierCode).toBe('shentong');
		expect(item.carrierCandidates).toBeNull();
		expect(requestsTo(DETECT_PATH)).toHaveLength(0);
		expect(queriedCarriers()).toEqual(['shentong']);
	});

	test('skips phone-guarded candidates without phone', async () => {
		// Pure digits: the sandbox's detection proposes yunda, zhongtong and shentong, and none of
		// them has this number, so zhongtong (which needs a phone) must be skipped, not fatal.
		const result = await runNode({
			type: 'kuaidi100',
			parameters: trackParameters('auto', '4312345678901'),
			credentials: credentialsFor(),
		});

		expect(result.error).toBeUndefined();
		const [item] = json(result);
		expect((item.carrierCandidates as IDataObject[]).map((entry) => entry.code)).toEqual(['yunda', 'zhongtong', 'shentong']);
		expect(queriedCarriers()).toEqual(['yunda', 'shentong']);
		expect(item.status).toBe('no_information');
		expect(item.carrierCode).toBe('yunda');
	});

	test('phone-guarded candidate needs Phone', async () => {
		const result = await runNode({
			type: 'kuaidi100',
			parameters: trackParameters('auto', WAYBILL_NUMBERS.shunfengOutForDelivery),
			credentials: credentialsFor(),
		});

		expect(result.error?.message).toMatch(/\bPhone\b/);
		expect(result.error?.message).toContain('shunfeng');
		expect(requestsTo(QUERY_PATH)).toHaveLength(0);
	});

	test('phone-guarded candidate with phone', async () => {
		const result = await runNode({
			type: 'kuaidi100',
			parameters: trackParameters('auto', WAYBILL_NUMBERS.shunfengOutForDelivery, { phone: SHUNFENG_PHONE }),
			credentials: credentialsFor(),
		});

		expect(result.error).toBeUndefined();
		const [item] = json(result);
		expect(item.carrierCode).toBe('shunfeng');
		expect(item.status).toBe('out_for_delivery');
	});

	test('unrecognised number asks for carrier', async () => {
		const result = await runNode({
			type: 'kuaidi100',
			parameters: trackParameters('auto', UNRECOGNISED_NUMBER),
			credentials: credentialsFor(),
		});

		expect(result.error?.message).toContain(UNRECOGNISED_NUMBER);
		expect(result.error?.message).toMatch(/could not detect the carrier/i);
		expect(result.error?.description).toMatch(/select the carrier/i);
		expect(requestsTo(QUERY_PATH)).toHaveLength(0);
	});

	test('free account gets detection hint', async () => {
		const result = await runNode({
			type: 'kuaidi100',
			parameters: trackParameters('auto', WAYBILL_NUMBERS.yuantongInTransit),
			credentials: credentialsFor(FREE_ACCOUNT),
		});

		expect(result.error?.message).toContain('returnCode 601');
		expect(result.error?.description).toMatch(/paid/i);
		expect(result.error?.description).toMatch(/select the carrier/i);
		expect(requestsTo(QUERY_PATH)).toHaveLength(0);
	});

	test('invalid number answer 201', async () => {
		const result = await runNode({
			type: 'kuaidi100',
			parameters: trackParameters('auto', INVALID_NUMBER),
			credentials: credentialsFor(),
		});

		expect(result.error?.message).toContain('returnCode 201');
		expect(requestsTo(QUERY_PATH)).toHaveLength(0);
	});
});

describe('Detection errors keep secrets', () => {
	const secrets = [FAKE_ACCOUNT.key, FAKE_ACCOUNT.customer, FAKE_ACCOUNT.salt];

	/** Collects everything a user or an operator can see of a run. */
	function visibleText(result: RunNodeResult): string[] {
		return [
			result.error?.message ?? '',
			String(result.error?.description ?? ''),
			JSON.stringify(result.error ?? null),
			...result.outputs.flat().map((item) => JSON.stringify(item)),
			JSON.stringify(result.runData),
			...result.logs,
		];
	}

	function expectNoSecrets(result: RunNodeResult): void {
		const texts = visibleText(result);
		for (const secret of secrets) {
			for (const text of texts) {
				expect(text).not.toContain(secret);
			}
		}
	}

	const fastFailure = { retries: 1, retryDelay: 0 };

	test.each([
		['Detect', (trackingNumber: string) => detectParameters(trackingNumber, fastFailure)],
		['Track auto', (trackingNumber: string) => trackParameters('auto', trackingNumber, { options: fastFailure })],
	])('%s network error', async (_name, parameters) => {
		const port = await closedPort();
		for (const onError of ['stopWorkflow', 'continueRegularOutput'] as const) {
			const result = await runNode({
				type: 'kuaidi100',
				parameters: parameters(WAYBILL_NUMBERS.yuantongInTransit),
				credentials: credentialsFor(FAKE_ACCOUNT, `http://127.0.0.1:${port}`),
				onError,
			});

			const message = onError === 'stopWorkflow' ? result.error?.message : json(result)[0]?.error;
			expect(message).toMatch(/Could not reach Kuaidi100/);
			expectNoSecrets(result);
		}
	});

	test.each([
		['Detect', (trackingNumber: string) => detectParameters(trackingNumber, fastFailure)],
		['Track auto', (trackingNumber: string) => trackParameters('auto', trackingNumber, { options: fastFailure })],
	])('%s HTTP 5xx', async (_name, parameters) => {
		sandbox.setFaults({ http5xxRate: 1, seed: 7 });
		for (const onError of ['stopWorkflow', 'continueRegularOutput'] as const) {
			const result = await runNode({
				type: 'kuaidi100',
				parameters: parameters(WAYBILL_NUMBERS.yuantongInTransit),
				credentials: credentialsFor(),
				onError,
			});

			const message = onError === 'stopWorkflow' ? result.error?.message : json(result)[0]?.error;
			expect(message).toMatch(/HTTP 50[0-4]/);
			expectNoSecrets(result);
		}
		expect(requestsTo(DETECT_PATH).every((request) => request.fault === 'http5xx')).toBe(true);
		expect(requestsTo(DETECT_PATH)).toHaveLength(4);
	});

	test.each([
		['Detect', (trackingNumber: string) => detectParameters(trackingNumber, fastFailure)],
		['Track auto', (trackingNumber: string) => trackParameters('auto', trackingNumber, { options: fastFailure })],
	])('%s returnCode 601', async (_name, parameters) => {
		for (const onError of ['stopWorkflow', 'continueRegularOutput'] as const) {
			const result = await runNode({
				type: 'kuaidi100',
				parameters: parameters(WAYBILL_NUMBERS.yuantongInTransit),
				credentials: credentialsFor(FREE_ACCOUNT),
				onError,
			});

			const message = onError === 'stopWorkflow' ? result.error?.message : json(result)[0]?.error;
			expect(message).toContain('returnCode 601');
			for (const text of visibleText(result)) {
				expect(text).not.toContain(FREE_ACCOUNT.key);
				expect(text).not.toContain(FREE_ACCOUNT.customer);
				expect(text).not.toContain(FREE_ACCOUNT.salt);
			}
		}
	});
});

describe('Carrier codes in other vocabularies', () => {
	test('顺丰 tracks as shunfeng', async () => {
		const result = await runNode({
			type: 'kuaidi100',
			parameters: trackParameters('顺丰', WAYBILL_NUMBERS.shunfengOutForDelivery, { phone: SHUNFENG_PHONE }),
			credentials: credentialsFor(),
		});

		expect(result.error).toBeUndefined();
		const [item] = json(result);
		expect(item.carrierCode).toBe('shunfeng');
		expect(item.carrierName).toBe('顺丰速运');
		expect(queriedCarriers()).toEqual(['shunfeng']);
	});

	test.each([
		['SF', 'shunfeng', WAYBILL_NUMBERS.shunfengOutForDelivery, SHUNFENG_PHONE],
		['ＳＦ', 'shunfeng', WAYBILL_NUMBERS.shunfengOutForDelivery, SHUNFENG_PHONE],
		['YTO', 'yuantong', WAYBILL_NUMBERS.yuantongInTransit, ''],
		['圆通', 'yuantong', WAYBILL_NUMBERS.yuantongInTransit, ''],
		['Yuantong', 'yuantong', WAYBILL_NUMBERS.yuantongInTransit, ''],
		['ZTO', 'zhongtong', WAYBILL_NUMBERS.zhongtongInTransit, ZHONGTONG_PHONE],
	])('%s resolves to %s', async (input, expectedCode, trackingNumber, phone) => {
		const result = await runNode({
			type: 'kuaidi100',
			parameters: trackParameters(input, trackingNumber, { phone }),
			credentials: credentialsFor(),
		});

		expect(result.error).toBeUndefined();
		expect(json(result)[0].carrierCode).toBe(expectedCode);
		expect(queriedCarriers()).toEqual([expectedCode]);
	});

	test('unknown code lists closest', async () => {
		const result = await runNode({
			type: 'kuaidi100',
			parameters: trackParameters('yuantog', WAYBILL_NUMBERS.yuantongInTransit),
			credentials: credentialsFor(),
		});

		expect(sandbox.requests).toHaveLength(0);
		expect(result.error?.message).toContain('yuantog');
		expect(result.error?.description).toMatch(/Closest matches: yuantong\b/);
	});
});

describe('Carrier list search', () => {
	type SearchMethod = (
		this: ILoadOptionsFunctions,
		filter?: string,
		paginationToken?: string,
	) => Promise<INodeListSearchResult>;

	let searchCarriers: SearchMethod;

	beforeAll(() => {
		const nodeType = loadNodeTypes().getByNameAndVersion('kuaidi100') as INodeType;
		searchCarriers = nodeType.methods?.listSearch?.searchCarriers as SearchMethod;
	});

	/**
	 * The method makes no request, so a context with the node's current parameters replaces
	 * n8n's LoadOptionsContext, which calls list search methods with `this` bound to it.
	 */
	function loadOptionsContext(operation: string): ILoadOptionsFunctions {
		const parameters: IDataObject = { resource: 'tracking', operation };
		return {
			getCurrentNodeParameter: (name: string) => parameters[name],
			getCurrentNodeParameters: () => parameters,
		} as unknown as ILoadOptionsFunctions;
	}

	async function search(filter?: string, paginationToken?: string, operation = 'track') {
		return await searchCarriers.call(loadOptionsContext(operation), filter, paginationToken);
	}

	test('method is registered', () => {
		expect(typeof searchCarriers).toBe('function');
	});

	test.each(['sf', '顺丰'])('%s finds shunfeng first', async (filter) => {
		const { results } = await search(filter);
		const carriers = results.filter((entry) => entry.value !== 'auto');
		expect(carriers[0].value).toBe('shunfeng');
		const autoIndex = results.findIndex((entry) => entry.value === 'auto');
		expect(autoIndex === -1 || autoIndex === 0).toBe(true);
	});

	test('empty filter starts with Auto-detect', async () => {
		const { results } = await search('');
		expect(results[0].value).toBe('auto');
		expect(results[0].name).toMatch(/auto-detect/i);
		expect(results[1].value).toBe('yuantong');
	});

	test('Auto-detect label same for both operations', async () => {
		const track = (await search('', undefined, 'track')).results[0];
		const subscribe = (await search('', undefined, 'subscribe')).results[0];
		expect(track.value).toBe('auto');
		expect(subscribe.value).toBe('auto');
		// n8n stores the label with the value, so one label stays right after switching operation.
		expect(subscribe.name).toBe(track.name);
		expect(track.name).toBe('Auto-Detect Carrier');
	});

	test('pagination reaches every carrier once', async () => {
		const expectedCodes = [...loadCarrierNames().keys()];
		expect(expectedCodes).toHaveLength(1413);

		const seen: string[] = [];
		let token: string | undefined;
		let pages = 0;
		do {
			const page = await search('', token);
			seen.push(...page.results.map((entry) => String(entry.value)).filter((value) => value !== 'auto'));
			token = page.paginationToken as string | undefined;
			pages++;
		} while (token !== undefined && pages < 100);

		expect(token).toBeUndefined();
		expect(new Set(seen).size).toBe(seen.length);
		expect(seen).toHaveLength(1413);
		expect(new Set(seen)).toEqual(new Set(expectedCodes));
	});

	test('filtered pagination has no duplicates', async () => {
		const seen: string[] = [];
		let token: string | undefined;
		let pages = 0;
		do {
			const page = await search('快递', token);
			seen.push(...page.results.map((entry) => String(entry.value)));
			token = page.paginationToken as string | undefined;
			pages++;
		} while (token !== undefined && pages < 100);

		expect(pages).toBeGreaterThan(1);
		expect(new Set(seen).size).toBe(seen.length);
		const names = loadCarrierNames();
		for (const code of seen) {
			expect(`${code} ${names.get(code)}`).toContain('快递');
		}
	});
});
