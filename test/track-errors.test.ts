import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { runNode } from './harness';
import type { RunNodeOptions } from './harness';
import {
	ERROR_TRIGGER_NUMBERS,
	EXPIRED_ACCOUNT,
	FAKE_ACCOUNT,
	WAYBILL_NUMBERS,
	startSandbox,
	type Sandbox,
	type SandboxAccount,
} from './sandbox';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ lockAfter: 10_000 });
});
afterAll(async () => {
	await sandbox.close();
});
beforeEach(() => {
	sandbox.setFaults({});
	sandbox.clearRequests();
});

interface TrackInput {
	carrier?: string;
	trackingNumber?: string;
	phone?: string;
	output?: 'events' | 'shipment';
	options?: INodeParameters;
}

function trackParameters(input: TrackInput = {}): INodeParameters {
	return {
		resource: 'tracking',
		operation: 'track',
		carrier: { __rl: true, mode: 'code', value: input.carrier ?? 'yuantong' },
		trackingNumber: input.trackingNumber ?? WAYBILL_NUMBERS.yuantongInTransit,
		phone: input.phone ?? '',
		output: input.output ?? 'events',
		// No wait between retries keeps the retry tests fast; the count is what they check.
		options: { retryDelay: 0, ...input.options },
	};
}

function credentials(account: SandboxAccount = FAKE_ACCOUNT) {
	return { kuaidi100Api: { ...account, baseUrl: sandbox.url } };
}

async function track(input: TrackInput = {}, extra: Partial<RunNodeOptions> = {}) {
	return await runNode({ type: 'kuaidi100', parameters: trackParameters(input), credentials: credentials(), ...extra });
}

/** Runs Track on one number that must fail and returns the stored node error. */
async function trackError(input: TrackInput, extra: Partial<RunNodeOptions> = {}) {
	const { error, outputs } = await track(input, extra);
	expect(error).toBeDefined();
	expect(outputs.flat()).toHaveLength(0);
	return error!;
}

/** HTTP status that a NodeApiError keeps; the stored copy's type does not declare it. */
function httpCodeOf(error: object): unknown {
	return (error as { httpCode?: unknown }).httpCode;
}

function sentParam(index = 0): IDataObject {
	return JSON.parse(sandbox.requests[index].form.param) as IDataObject;
}

describe('Track return codes', () => {
	test.each([
		[ERROR_TRIGGER_NUMBERS.code400, '400', '找不到对应公司', /carrier code is not supported|not enabled/],
		[ERROR_TRIGGER_NUMBERS.code408, '408', '快递公司参数异常：验证码错误', /phone/i],
		[ERROR_TRIGGER_NUMBERS.code501, '501', '服务器错误', /carrier code/],
		[ERROR_TRIGGER_NUMBERS.code503, '503', '验证签名失败', /swapped or mistyped/],
		[ERROR_TRIGGER_NUMBERS.code601, '601', 'key已过期', /expired/],
		[ERROR_TRIGGER_NUMBERS.unknownCode999, '999', '系统内部异常', /return code table/],
	])('%s gives returnCode %s', async (trackingNumber, returnCode, kuaidi100Message, hint) => {
		const error = await trackError({ trackingNumber });

		expect(error.message).toContain(`returnCode ${returnCode}`);
		expect(error.message).toContain(kuaidi100Message);
		expect(error.description).toMatch(hint);
		expect(error.context.returnCode).toBe(returnCode);
		expect(error.context.kuaidi100Message).toBe(kuaidi100Message);
		// Only busy (502) and transport failures are retried.
		expect(sandbox.requests).toHaveLength(1);
	});

	test('408 says phone does not match', async () => {
		const error = await trackError({ trackingNumber: ERROR_TRIGGER_NUMBERS.code408 });

		expect(error.message).toMatch(/phone does not match/i);
	});

	test('wrong SF phone gives 408', async () => {
		const error = await trackError({ carrier: 'shunfeng', trackingNumber: WAYBILL_NUMBERS.shunfengOutForDelivery, phone: '0000' });

		expect(sandbox.requests).toHaveLength(1);
		expect(sandbox.requests[0].returnCode).toBe('408');
		expect(error.message).toMatch(/phone does not match/i);
		expect(error.message).toContain('returnCode 408');
	});

	test('unknown code is named', async () => {
		const error = await trackError({ trackingNumber: ERROR_TRIGGER_NUMBERS.unknownCode999 });

		expect(error.message).toMatch(/unexpected return code \(returnCode 999: “系统内部异常”\)/);
	});

	test('wrong key gives 503 hint', async () => {
		const { error } = await runNode({
			type: 'kuaidi100',
			parameters: trackParameters(),
			credentials: { kuaidi100Api: { ...FAKE_ACCOUNT, key: 'K3yWrong00', baseUrl: sandbox.url } },
		});

		expect(sandbox.requests[0].signValid).toBe(false);
		expect(error?.message).toContain('returnCode 503');
		expect(error?.message).toContain('验证签名失败');
		expect(error?.description).toMatch(/swapped or mistyped/);
	});

	test('expired account gives 601', async () => {
		const { error } = await runNode({ type: 'kuaidi100', parameters: trackParameters(), credentials: credentials(EXPIRED_ACCOUNT) });

		expect(sandbox.requests[0].signValid).toBe(true);
		expect(error?.message).toContain('returnCode 601');
		expect(error?.message).toContain('key已过期');
		expect(error?.description).toMatch(/expired/);
	});

	test('502 retried then busy', async () => {
		const error = await trackError({ trackingNumber: ERROR_TRIGGER_NUMBERS.code502, options: { retries: 2 } });

		expect(sandbox.requests).toHaveLength(3);
		expect(error.message).toMatch(/busy/i);
		expect(error.message).toContain('returnCode 502');
		expect(error.message).toContain('服务器繁忙');
		expect(error.description).toMatch(/retried/);
	});

	test('502 without retries sent once', async () => {
		await trackError({ trackingNumber: ERROR_TRIGGER_NUMBERS.code502, options: { retries: 0 } });

		expect(sandbox.requests).toHaveLength(1);
	});

	test('HTML 502 retried then reported', async () => {
		const error = await trackError({ trackingNumber: ERROR_TRIGGER_NUMBERS.htmlPage502, options: { retries: 1 } });

		expect(sandbox.requests).toHaveLength(2);
		expect(error.message.startsWith('Unexpected response from Kuaidi100 (HTTP 502')).toBe(true);
		expect(error.message).toContain('502 Bad Gateway');
		expect(httpCodeOf(error)).toBe('502');
	});

	test('malformed JSON is a clear error', async () => {
		const error = await trackError({ trackingNumber: ERROR_TRIGGER_NUMBERS.malformedJson200 });

		expect(sandbox.requests).toHaveLength(1);
		expect(error.message.startsWith('Unexpected response from Kuaidi100 (HTTP 200')).toBe(true);
		expect(error.message).not.toMatch(/Cannot read properties|Unexpected end of JSON/);
		expect(httpCodeOf(error)).toBe('200');
	});

	test('locked number points to Subscribe', async () => {
		const error = await trackError({ trackingNumber: ERROR_TRIGGER_NUMBERS.locked });

		expect(error.message).toMatch(/locked/);
		expect(error.message).toContain('已被锁定');
		expect(error.description).toMatch(/Subscribe/);
	});

	test('locked number in shipment mode', async () => {
		const error = await trackError({ trackingNumber: ERROR_TRIGGER_NUMBERS.locked, output: 'shipment' });

		expect(error.message).toMatch(/locked/);
	});
});

describe('Track local validation', () => {
	test.each([
		['shunfeng', WAYBILL_NUMBERS.shunfengOutForDelivery],
		['zhongtong', WAYBILL_NUMBERS.zhongtongInTransit],
	])('%s without phone fails locally', async (carrier, trackingNumber) => {
		const error = await trackError({ carrier, trackingNumber });

		expect(sandbox.requests).toHaveLength(0);
		expect(error.message).toMatch(/Phone/);
		expect(error.message).toContain(carrier);
	});

	test.each([
		['12345', 5],
		['Y'.repeat(33), 33],
	])('number %s rejected locally', async (trackingNumber, length) => {
		const error = await trackError({ trackingNumber });

		expect(sandbox.requests).toHaveLength(0);
		expect(error.message).toContain('6 to 32');
		expect(error.message).toContain(String(length));
	});

	test('32 characters are sent', async () => {
		const { error } = await track({ trackingNumber: 'Y'.repeat(32) });

		expect(error).toBeUndefined();
		expect(sentParam().num).toBe('Y'.repeat(32));
	});

	test('arrival estimate needs To', async () => {
		const error = await trackError({ options: { resultDetail: '8' } });

		expect(sandbox.requests).toHaveLength(0);
		expect(error.message).toMatch(/\bTo\b/);
	});
});

describe('Track without events', () => {
	const noScans = [
		['empty trace', WAYBILL_NUMBERS.yuantongNoScans],
		['returnCode 500', 'YT7199999999999'],
	];

	test.each(noScans)('%s gives no_information item', async (_case, trackingNumber) => {
		const { outputs, error } = await track({ trackingNumber });

		expect(error).toBeUndefined();
		expect(outputs[0]).toHaveLength(1);
		const { json } = outputs[0][0];
		expect(json.status).toBe('no_information');
		expect(json.trackingNumber).toBe(trackingNumber);
		expect(json.eventCount).toBe(0);
		expect(json.isLatest).toBe(false);
		expect(json.time).toBeNull();
		expect(typeof json.message).toBe('string');
		expect((json.message as string).length).toBeGreaterThan(0);
	});

	test.each(noScans)('%s in shipment mode', async (_case, trackingNumber) => {
		const { outputs, error } = await track({ trackingNumber, output: 'shipment' });

		expect(error).toBeUndefined();
		expect(outputs[0]).toHaveLength(1);
		const { json } = outputs[0][0];
		expect(json.status).toBe('no_information');
		expect(json.events).toEqual([]);
		expect(json.latestTime).toBeNull();
		expect(typeof json.message).toBe('string');
	});

	test('500 keeps Kuaidi100 message', async () => {
		const { outputs } = await track({ trackingNumber: 'YT7199999999999' });

		expect(sandbox.requests[0].returnCode).toBe('500');
		expect(outputs[0][0].json.message).toBe('查询无结果，请隔段时间再查');
	});

	test.each(noScans)('%s fails with option error', async (_case, trackingNumber) => {
		const error = await trackError({ trackingNumber, options: { whenNoEvents: 'error' } });

		expect(error.message).toContain('returnCode 500');
	});

	test.each(noScans)('%s outputs nothing on request', async (_case, trackingNumber) => {
		const { outputs, error } = await track({ trackingNumber, options: { whenNoEvents: 'outputNothing' } });

		expect(error).toBeUndefined();
		expect(outputs[0] ?? []).toHaveLength(0);
		expect(sandbox.requests).toHaveLength(1);
	});
});

describe('Track batch with a bad row', () => {
	const rows = [
		{ carrier: 'yuantong', number: WAYBILL_NUMBERS.yuantongInTransit, phone: '' },
		{ carrier: 'shunfeng', number: WAYBILL_NUMBERS.shunfengOutForDelivery, phone: '' },
		{ carrier: 'zhongtong', number: WAYBILL_NUMBERS.zhongtongInTransit, phone: '5678' },
	];
	const mappedParameters: INodeParameters = {
		...trackParameters(),
		carrier: { __rl: true, mode: 'code', value: '={{ $json.carrier }}' },
		trackingNumber: '={{ $json.number }}',
		phone: '={{ $json.phone }}',
	};

	function runBatch(onError?: RunNodeOptions['onError']) {
		return runNode({ type: 'kuaidi100', parameters: mappedParameters, input: rows, credentials: credentials(), onError });
	}

	function sentCarriers(): unknown[] {
		return sandbox.requests.map((request) => (JSON.parse(request.form.param) as IDataObject).com);
	}

	function pairedItems(items: INodeExecutionData[]) {
		return items.map((item) => item.pairedItem);
	}

	test('error output gets bad row', async () => {
		const { outputs, error } = await runBatch('continueErrorOutput');

		expect(error).toBeUndefined();
		expect(outputs).toHaveLength(2);
		expect(pairedItems(outputs[0])).toEqual([...Array(5).fill({ item: 0 }), ...Array(3).fill({ item: 2 })]);
		expect(outputs[0].map((item) => item.json.carrierCode)).toEqual([...Array(5).fill('yuantong'), ...Array(3).fill('zhongtong')]);
		expect(outputs[1]).toHaveLength(1);
		expect(outputs[1][0].pairedItem).toEqual({ item: 1 });
		expect(outputs[1][0].json.error).toMatch(/Phone is required/);
		expect((outputs[1][0].json.details as IDataObject).description).toMatch(/phone/);
		expect(sentCarriers().sort()).toEqual(['yuantong', 'zhongtong']);
	});

	test('regular output keeps row order', async () => {
		const { outputs, error } = await runBatch('continueRegularOutput');

		expect(error).toBeUndefined();
		expect(pairedItems(outputs[0])).toEqual([
			...Array(5).fill({ item: 0 }),
			{ item: 1 },
			...Array(3).fill({ item: 2 }),
		]);
		expect(outputs[0][5].json.error).toMatch(/Phone is required/);
		expect(outputs[0][4].json.error).toBeUndefined();
		expect(outputs[0][6].json.carrierCode).toBe('zhongtong');
	});

	test('stopWorkflow names the item', async () => {
		const { outputs, error } = await runBatch();

		expect(outputs.flat()).toHaveLength(0);
		expect(error?.message).toMatch(/Phone is required/);
		expect(error?.context.itemIndex).toBe(1);
		// The bad row fails before any request; the good rows already running may finish.
		expect(sentCarriers()).not.toContain('shunfeng');
	});
});
