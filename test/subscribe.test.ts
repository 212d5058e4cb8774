import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import type { CallWebhookResult, RunNodeResult } from './harness';
import { callWebhook, runNode } from './harness';
import type { RecordedRequest, Sandbox } from './sandbox';
import { EXPIRED_ACCOUNT, FAKE_ACCOUNT, startSandbox } from './sandbox';

const SALT = 's4ltFake';
const ACKNOWLEDGEMENT_TEXT = '{"result":true,"returnCode":"200","message":"成功"}';
const PUBLIC_CALLBACK = 'http://n8n.example.com/webhook/kuaidi100';

// Kuaidi100's subscription messages as the sandbox returns them.
const MESSAGES = {
	accepted: '提交成功',
	serverError: '服务器错误',
	duplicate: '重复订阅',
	invalidSubscriber: '您不是合法的订阅者（即授权Key出错）',
	keyExpired: 'POLL:KEY已过期',
	refusedCarrier: 'POLL:拒绝订阅的快递公司',
	carrierNotDetected: 'POLL:识别不到该单号对应的快递公司',
};

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox();
});

afterAll(async () => {
	await sandbox.close();
});

beforeEach(() => {
	sandbox.clearRequests();
});

let serial = 0;

/** Returns a yuantong-shaped number (YT + 13 digits) not used before in this file, so no run meets a duplicate. */
function freshNumber(prefix = 'YT'): string {
	serial += 1;
	return `${prefix}${String(8_800_000_000_000 + serial)}`;
}

function credentials(overrides: ICredentialDataDecryptedObject = {}): Record<string, ICredentialDataDecryptedObject> {
	return { kuaidi100Api: { ...FAKE_ACCOUNT, baseUrl: sandbox.url, ...overrides } };
}

function carrier(value: string): INodeParameters {
	return { __rl: true, mode: 'code', value };
}

function subscribeParameters(overrides: IDataObject = {}): INodeParameters {
	return {
		resource: 'tracking',
		operation: 'subscribe',
		carrier: carrier('yuantong'),
		trackingNumber: freshNumber(),
		callbackUrl: PUBLIC_CALLBACK,
		phone: '',
		options: {},
		...overrides,
	} as INodeParameters;
}

async function subscribe(
	overrides: IDataObject = {},
	extra: { credentials?: Record<string, ICredentialDataDecryptedObject>; onError?: 'continueRegularOutput' | 'continueErrorOutput'; input?: IDataObject[] } = {},
): Promise<RunNodeResult> {
	return await runNode({
		type: 'kuaidi100',
		parameters: subscribeParameters(overrides),
		input: extra.input,
		credentials: extra.credentials ?? credentials(),
		onError: extra.onError,
	});
}

function onlyItem(result: RunNodeResult): IDataObject {
	expect(result.error).toBeUndefined();
	expect(result.outputs[0]).toHaveLength(1);
	return result.outputs[0][0].json;
}

function pollRequests(): RecordedRequest[] {
	return sandbox.requests.filter((request) => request.path === '/poll');
}

function sentParam(): IDataObject {
	const requests = pollRequests();
	expect(requests).toHaveLength(1);
	return requests[0].param as IDataObject;
}

function sentParameters(): IDataObject {
	return sentParam().parameters as IDataObject;
}

const CJK = /[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/;

describe('subscribe wire format', () => {
	test('posts schema and param to /poll', async () => {
		const trackingNumber = freshNumber();
		onlyItem(await subscribe({ trackingNumber }));

		const [request] = pollRequests();
		expect(pollRequests()).toHaveLength(1);
		expect(request.method).toBe('POST');
		expect(request.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
		expect(Object.keys(request.form).sort()).toEqual(['param', 'schema']);
		expect(request.form.schema).toBe('json');
		expect(request.form.sign).toBeUndefined();
		expect(request.form.customer).toBeUndefined();
		expect(request.query).toEqual({});
	});

	test('param carries carrier, number and key', async () => {
		const trackingNumber = freshNumber();
		onlyItem(await subscribe({ trackingNumber }));

		const param = sentParam();
		expect(param.company).toBe('yuantong');
		expect(param.number).toBe(trackingNumber);
		expect(param.key).toBe('K3yFake000');
		expect(param).not.toHaveProperty('customer');
		expect(param).not.toHaveProperty('from');
		expect(param).not.toHaveProperty('to');
	});

	test('parameters carry callback URL and salt', async () => {
		onlyItem(await subscribe({ callbackUrl: `${PUBLIC_CALLBACK}?orderId=123` }));

		const parameters = sentParameters();
		expect(parameters.callbackurl).toBe(`${PUBLIC_CALLBACK}?orderId=123`);
		expect(parameters.salt).toBe(SALT);
		expect(parameters).not.toHaveProperty('autoCom');
		expect(parameters).not.toHaveProperty('interCom');
		expect(parameters).not.toHaveProperty('resultv2');
		expect(parameters).not.toHaveProperty('phone');
	});

	test('empty push salt sends no salt', async () => {
		onlyItem(await subscribe({}, { credentials: credentials({ salt: '' }) }));

		expect(sentParameters()).not.toHaveProperty('salt');
		expect(sentParameters().callbackurl).toBe(PUBLIC_CALLBACK);
	});

	test('all options reach their fields', async () => {
		onlyItem(
			await subscribe({
				carrier: carrier('ems'),
				trackingNumber: 'EM880000001CN',
				phone: '13800001234',
				options: {
					from: '广东省深圳市南山区',
					to: '北京市朝阳区',
					resultDetail: '4',
					interCom: true,
					departureCountry: 'CN',
					departureCom: 'ems',
					destinationCountry: 'JP',
					destinationCom: 'japanposten',
				},
			}),
		);

		const param = sentParam();
		const parameters = sentParameters();
		expect(param.company).toBe('ems');
		expect(param.from).toBe('广东省深圳市南山区');
		expect(param.to).toBe('北京市朝阳区');
		expect(parameters).not.toHaveProperty('from');
		expect(parameters).not.toHaveProperty('to');
		expect(parameters.resultv2).toBe('4');
		expect(parameters.phone).toBe('13800001234');
		expect(parameters.interCom).toBe('1');
		expect(parameters.departureCountry).toBe('CN');
		expect(parameters.departureCom).toBe('ems');
		expect(parameters.destinationCountry).toBe('JP');
		expect(parameters.destinationCom).toBe('japanposten');
	});

	test('auto carrier sends autoCom and empty company', async () => {
		const trackingNumber = freshNumber();
		const item = onlyItem(await subscribe({ carrier: carrier('auto'), trackingNumber }));

		expect(sentParam().company).toBe('');
		expect(sentParameters().autoCom).toBe('1');
		expect(item.subscribed).toBe(true);
		expect(item.carrierCode).toBeNull();
	});

	test('carrier from list mode is sent by code', async () => {
		onlyItem(await subscribe({ carrier: { __rl: true, mode: 'list', value: 'zhongtong' }, phone: '1234' }));

		expect(sentParam().company).toBe('zhongtong');
		expect(sentParameters().phone).toBe('1234');
	});
});

describe('subscribe success', () => {
	test('returnCode 200 gives subscribed item', async () => {
		const trackingNumber = freshNumber();
		const item = onlyItem(await subscribe({ trackingNumber }));

		expect(item.subscribed).toBe(true);
		expect(item.alreadySubscribed).toBe(false);
		expect(item.returnCode).toBe('200');
		expect(item.message).toBe(MESSAGES.accepted);
		expect(item.trackingNumber).toBe(trackingNumber);
		expect(item.carrierCode).toBe('yuantong');
		expect(item.callbackUrl).toBe(PUBLIC_CALLBACK);
		expect(item.warnings).toEqual([]);
	});

	test('subscription is stored by the sandbox', async () => {
		const trackingNumber = freshNumber();
		onlyItem(await subscribe({ trackingNumber }));

		const stored = sandbox.subscriptions.get(`yuantong:${trackingNumber}`);
		expect(stored?.callbackurl).toBe(PUBLIC_CALLBACK);
		expect(stored?.salt).toBe(SALT);
	});

	test('output item is paired with its input', async () => {
		const result = await subscribe({}, { input: [{ order: 1 }] });

		expect(result.outputs[0][0].pairedItem).toEqual({ item: 0 });
	});
});

describe('duplicate subscription (501)', () => {
	test('second subscription succeeds as already subscribed', async () => {
		const trackingNumber = freshNumber();
		onlyItem(await subscribe({ trackingNumber }));
		const item = onlyItem(await subscribe({ trackingNumber }));

		expect(pollRequests()).toHaveLength(2);
		expect(pollRequests()[1].returnCode).toBe('501');
		expect(item.subscribed).toBe(true);
		expect(item.alreadySubscribed).toBe(true);
		expect(item.returnCode).toBe('501');
		expect(item.message).toBe(MESSAGES.duplicate);
	});

	test('whenAlreadySubscribed error fails the item', async () => {
		const trackingNumber = freshNumber();
		onlyItem(await subscribe({ trackingNumber }));
		const result = await subscribe({ trackingNumber, options: { whenAlreadySubscribed: 'error' } });

		expect(result.outputs).toEqual([]);
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toContain('returnCode 501');
		expect(result.error?.message).toContain(MESSAGES.duplicate);
		expect(result.error?.description).toMatch(/subscri/i);
		expect(result.error?.description).not.toMatch(CJK);
	});

	test('whenAlreadySubscribed defaults to succeed', async () => {
		const trackingNumber = freshNumber();
		onlyItem(await subscribe({ trackingNumber }));
		// Another option is set, so the collection is not empty, but When Already Subscribed is left out.
		const item = onlyItem(await subscribe({ trackingNumber, options: { resultDetail: '4' } }));

		expect(pollRequests()[1].returnCode).toBe('501');
		expect(item.subscribed).toBe(true);
		expect(item.alreadySubscribed).toBe(true);
	});

	test('whenAlreadySubscribed succeed outputs item', async () => {
		const trackingNumber = freshNumber();
		onlyItem(await subscribe({ trackingNumber }));
		const item = onlyItem(await subscribe({ trackingNumber, options: { whenAlreadySubscribed: 'succeed' } }));

		expect(pollRequests()[1].returnCode).toBe('501');
		expect(item.subscribed).toBe(true);
		expect(item.alreadySubscribed).toBe(true);
	});
});

/**
 * Starts a loopback server that replies to POST /poll with one fixed Kuaidi100 body, for return
 * codes that the node's own checks keep away from the sandbox.
 */
async function startFixedReplyServer(body: IDataObject): Promise<{ url: string; requests: number; close: () => Promise<void> }> {
	const state = { url: '', requests: 0, close: async () => {} };
	const server = createServer((request, response) => {
		request.resume();
		request.on('end', () => {
			state.requests += 1;
			response.writeHead(200, { 'content-type': 'application/json;charset=UTF-8' });
			response.end(JSON.stringify(body));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	state.close = async () => await new Promise<void>((resolve) => server.close(() => resolve()));
	return state;
}

describe('subscribe return codes', () => {
	interface ErrorCase {
		returnCode: string;
		kuaidi100Message: string;
		hint: RegExp;
		overrides: () => IDataObject;
		credentials?: () => Record<string, ICredentialDataDecryptedObject>;
	}

	const cases: ErrorCase[] = [
		{
			returnCode: '500',
			kuaidi100Message: MESSAGES.serverError,
			hint: /carrier|later/i,
			overrides: () => ({ trackingNumber: 'ERR500000001' }),
		},
		{
			returnCode: '600',
			kuaidi100Message: MESSAGES.invalidSubscriber,
			hint: /key/i,
			overrides: () => ({}),
			credentials: () => credentials({ key: 'K3yUnknown' }),
		},
		{
			returnCode: '601',
			kuaidi100Message: MESSAGES.keyExpired,
			hint: /expired|renew|top up/i,
			overrides: () => ({}),
			credentials: () => credentials({ ...EXPIRED_ACCOUNT }),
		},
		{
			returnCode: '701',
			kuaidi100Message: MESSAGES.refusedCarrier,
			hint: /carrier/i,
			overrides: () => ({ carrier: carrier('zhaijisong') }),
		},
		{
			returnCode: '702',
			kuaidi100Message: MESSAGES.carrierNotDetected,
			hint: /carrier/i,
			// Matches none of the number formats that the sandbox's carrier detection recognises.
			overrides: () => ({ carrier: carrier('auto'), trackingNumber: 'ZZ12345678' }),
		},
	];

	test.each(cases)('returnCode $returnCode fails with hint', async (errorCase) => {
		const result = await subscribe(errorCase.overrides(), { credentials: errorCase.credentials?.() });

		expect(pollRequests()[0]?.returnCode).toBe(errorCase.returnCode);
		expect(result.outputs).toEqual([]);
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toContain(`returnCode ${errorCase.returnCode}`);
		expect(result.error?.message).toContain(errorCase.kuaidi100Message);
		expect(result.error?.description).toMatch(errorCase.hint);
		expect(result.error?.description).not.toMatch(CJK);
	});

	test.each(cases.filter(({ returnCode }) => returnCode !== '500'))(
		'returnCode $returnCode is not retried',
		async (errorCase) => {
			await subscribe(errorCase.overrides(), { credentials: errorCase.credentials?.() });

			expect(pollRequests()).toHaveLength(1);
		},
	);

	test.each(cases)('returnCode $returnCode continues as error item', async (errorCase) => {
		const result = await subscribe(errorCase.overrides(), {
			credentials: errorCase.credentials?.(),
			onError: 'continueRegularOutput',
		});

		expect(result.error).toBeUndefined();
		expect(result.outputs[0]).toHaveLength(1);
		const [item] = result.outputs[0];
		const details = item.json.details as IDataObject;
		expect(item.json.error).toContain(`returnCode ${errorCase.returnCode}`);
		expect(details.returnCode).toBe(errorCase.returnCode);
		expect(details.kuaidi100Message).toBe(errorCase.kuaidi100Message);
		expect(details.description).toMatch(errorCase.hint);
		expect(item.pairedItem).toEqual({ item: 0 });
	});

	test('returnCode 700 fails with hint', async () => {
		// Kuaidi100's 700 text. The node checks the number, the callback URL and Arrival Estimate
		// itself, so the sandbox never returns 700 for the node's requests.
		const message = '订阅方的订阅数据存在错误（如不支持的快递公司、单号为空、单号超长等）或错误的回调地址';
		const server = await startFixedReplyServer({ result: false, returnCode: '700', message });
		try {
			const result = await subscribe({}, { credentials: credentials({ baseUrl: server.url }) });

			expect(server.requests).toBe(1);
			expect(result.error?.name).toBe('NodeApiError');
			expect(result.error?.message).toContain('returnCode 700');
			expect(result.error?.message).toContain(message);
			expect(result.error?.description).toMatch(/callback|carrier|number/i);
			expect(result.error?.description).not.toMatch(CJK);
		} finally {
			await server.close();
		}
	});

	test('error item keeps input pairing', async () => {
		const numbers = [freshNumber(), freshNumber(), freshNumber()];
		const result = await subscribe(
			{ carrier: carrier('={{ $json.carrier }}'), trackingNumber: '={{ $json.number }}' },
			{
				onError: 'continueRegularOutput',
				input: [
					{ number: numbers[0], carrier: 'yuantong' },
					{ number: numbers[1], carrier: 'zhaijisong' },
					{ number: numbers[2], carrier: 'yuantong' },
				],
			},
		);

		const items: INodeExecutionData[] = result.outputs[0];
		expect(items).toHaveLength(3);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(items[0].json.trackingNumber).toBe(numbers[0]);
		expect(items[1].json.details).toMatchObject({ returnCode: '701' });
		expect(items[1].json.subscribed).toBeUndefined();
		expect(items[2].json.trackingNumber).toBe(numbers[2]);
		expect(items[2].json.subscribed).toBe(true);
	});

	test('error output receives failed item', async () => {
		const result = await subscribe(
			{ carrier: carrier('={{ $json.carrier }}') },
			{ onError: 'continueErrorOutput', input: [{ carrier: 'yuantong' }, { carrier: 'zhaijisong' }] },
		);

		expect(result.outputs[0]).toHaveLength(1);
		expect(result.outputs[0][0].json.subscribed).toBe(true);
		expect(result.outputs[1]).toHaveLength(1);
		expect(result.outputs[1][0].json.details).toMatchObject({ returnCode: '701' });
		expect(result.outputs[1][0].json.carrier).toBe('zhaijisong');
		expect(result.outputs[1][0].pairedItem).toEqual({ item: 1 });
	});
});

describe('subscribe local checks', () => {
	test.each(['not a url', 'ftp://x', 'n8n.example.com/webhook/kuaidi100', '   '])(
		'callback URL %p is rejected locally',
		async (callbackUrl) => {
			const result = await subscribe({ callbackUrl });

			expect(sandbox.requests).toHaveLength(0);
			expect(result.error?.message).toMatch(/callback url/i);
			expect(result.error?.message).toMatch(/http/i);
		},
	);

	test('invalid callback URL continues as error item', async () => {
		const result = await subscribe({ callbackUrl: 'ftp://x' }, { onError: 'continueRegularOutput' });

		expect(sandbox.requests).toHaveLength(0);
		expect(result.outputs[0]).toHaveLength(1);
		expect(result.outputs[0][0].json.error).toMatch(/callback url/i);
		expect(result.outputs[0][0].json.details).toMatchObject({ returnCode: null, kuaidi100Message: null });
		expect(result.outputs[0][0].pairedItem).toEqual({ item: 0 });
	});

	test('number over 32 characters is rejected locally', async () => {
		const result = await subscribe({ trackingNumber: 'YT'.padEnd(33, '1') });

		expect(sandbox.requests).toHaveLength(0);
		expect(result.error?.message).toMatch(/tracking number/i);
	});

	test('arrival estimate without To is rejected locally', async () => {
		const result = await subscribe({ options: { resultDetail: '8' } });

		expect(sandbox.requests).toHaveLength(0);
		expect(result.error?.message).toMatch(/\bTo\b/);
	});

	test('shunfeng without phone names Phone', async () => {
		const result = await subscribe({ carrier: carrier('shunfeng'), trackingNumber: freshNumber('SF') });

		expect(sandbox.requests).toHaveLength(0);
		expect(result.error?.message).toMatch(/\bPhone\b/);
		expect(result.error?.message).toContain('shunfeng');
	});

	test('shunfeng with phone is sent', async () => {
		const item = onlyItem(await subscribe({ carrier: carrier('shunfeng'), trackingNumber: freshNumber('SF'), phone: '1234' }));

		expect(item.subscribed).toBe(true);
		expect(sentParameters().phone).toBe('1234');
	});

	test('auto carrier skips the phone check', async () => {
		const item = onlyItem(await subscribe({ carrier: carrier('auto'), trackingNumber: freshNumber('SF') }));

		expect(pollRequests()).toHaveLength(1);
		expect(sentParam().company).toBe('');
		expect(sentParameters()).not.toHaveProperty('phone');
		expect(item.subscribed).toBe(true);
	});
});

describe('callback URL warnings', () => {
	const unreachable: Array<[string, string, RegExp]> = [
		['test webhook URL', 'http://n8n.example.com/webhook-test/kuaidi100', /webhook-test/],
		['localhost', 'http://localhost:5678/webhook/kuaidi100', /localhost/],
		['127.0.0.1', 'http://127.0.0.1:5678/webhook/kuaidi100', /127\.0\.0\.1/],
		['private 192.168 address', 'http://192.168.1.20:5678/webhook/kuaidi100', /192\.168\.1\.20/],
	];

	test.each(unreachable)('%s gets a warning', async (_name, callbackUrl, mentioned) => {
		const item = onlyItem(await subscribe({ callbackUrl }));

		expect(item.warnings).toHaveLength(1);
		expect((item.warnings as string[])[0]).toMatch(mentioned);
	});

	test.each(unreachable)('%s warning is logged', async (_name, callbackUrl) => {
		const result = await subscribe({ callbackUrl });

		const [warning] = onlyItem(result).warnings as string[];
		const logged = result.logs.filter((line) => line.startsWith('warn ') && line.includes(warning));
		expect(logged).toHaveLength(1);
	});

	test.each(unreachable)('%s is still subscribed', async (_name, callbackUrl) => {
		const item = onlyItem(await subscribe({ callbackUrl }));

		expect(sentParameters().callbackurl).toBe(callbackUrl);
		expect(item.subscribed).toBe(true);
		expect(item.returnCode).toBe('200');
	});

	test('public http URL gets no warning', async () => {
		const result = await subscribe({ callbackUrl: PUBLIC_CALLBACK });

		expect(onlyItem(result).warnings).toEqual([]);
		expect(result.logs.filter((line) => line.startsWith('warn '))).toEqual([]);
	});

	test('https URL warns that http is the default', async () => {
		const item = onlyItem(await subscribe({ callbackUrl: 'https://n8n.example.com/webhook/kuaidi100' }));

		expect(item.warnings).toHaveLength(1);
		expect((item.warnings as string[])[0]).toMatch(/https/);
		expect(item.subscribed).toBe(true);
	});
});

/** A push as the loopback receiver got it, and what the Kuaidi100 Trigger made of it. */
interface ReceivedPush {
	url: string;
	headers: IncomingHttpHeaders;
	rawBody: Buffer;
	trigger: CallWebhookResult;
}

describe('subscribe then push', () => {
	let receiver: Server;
	let receiverUrl: string;
	const received: ReceivedPush[] = [];
	let triggerCredentials: Record<string, ICredentialDataDecryptedObject>;

	/** Hands each push's raw body to the Kuaidi100 Trigger and replies with the trigger's response. */
	beforeAll(async () => {
		receiver = createServer((request, response) => {
			const chunks: Buffer[] = [];
			request.on('data', (chunk: Buffer) => chunks.push(chunk));
			request.on('end', () => {
				const rawBody = Buffer.concat(chunks);
				const url = new URL(request.url ?? '/', 'http://127.0.0.1');
				void callWebhook({
					type: 'kuaidi100Trigger',
					credentials: triggerCredentials,
					headers: { 'content-type': String(request.headers['content-type']) },
					query: Object.fromEntries(url.searchParams),
					body: rawBody,
				}).then((trigger) => {
					received.push({ url: request.url ?? '', headers: request.headers, rawBody, trigger });
					const { statusCode, headers, body } = trigger.response;
					response.writeHead(statusCode, headers);
					response.end(typeof body === 'string' ? body : JSON.stringify(body));
				});
			});
		});
		await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
		receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhook/kuaidi100`;
	});

	afterAll(async () => {
		await new Promise<void>((resolve) => receiver.close(() => resolve()));
	});

	beforeEach(() => {
		received.length = 0;
		triggerCredentials = credentials();
	});

	const events = [
		{ time: '2026-05-03 09:05:41', context: '【上海市浦东新区A&B+1号驿站】快件已签收，签收人：本人', statusCode: '301' },
		{ time: '2026-05-01 16:30:12', context: '【浙江省杭州市西湖区公司】已揽收', statusCode: '103' },
	];

	test('push carries MD5 sign of param and salt', async () => {
		const trackingNumber = freshNumber();
		onlyItem(await subscribe({ trackingNumber, callbackUrl: receiverUrl, options: { resultDetail: '4' } }));
		await sandbox.push(trackingNumber, { events });

		expect(received).toHaveLength(1);
		const [push] = received;
		expect(push.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
		const form = new URLSearchParams(push.rawBody.toString('utf8'));
		const param = form.get('param') ?? '';
		const expectedSign = createHash('md5').update(param + SALT, 'utf8').digest('hex').toUpperCase();
		expect(JSON.parse(param).lastResult.nu).toBe(trackingNumber);
		expect(form.get('sign')).toBe(expectedSign);
	});

	test('trigger acknowledges the push exactly', async () => {
		const trackingNumber = freshNumber();
		onlyItem(await subscribe({ trackingNumber, callbackUrl: receiverUrl, options: { resultDetail: '4' } }));
		const pushResult = await sandbox.push(trackingNumber, { events });

		expect(pushResult.statusCode).toBe(200);
		expect(pushResult.body).toBe(ACKNOWLEDGEMENT_TEXT);
	});

	test('trigger emits the pushed events', async () => {
		const trackingNumber = freshNumber();
		onlyItem(await subscribe({ trackingNumber, callbackUrl: `${receiverUrl}?orderId=42`, options: { resultDetail: '4' } }));
		await sandbox.push(trackingNumber, { events });

		const { trigger } = received[0];
		expect(trigger.error).toBeUndefined();
		const items = (trigger.workflowData?.[0] ?? []).map((item) => item.json);
		expect(items).toHaveLength(2);
		expect(items.map((item) => item.context)).toEqual(events.map((event) => event.context));
		expect(items.map((item) => item.trackingNumber)).toEqual([trackingNumber, trackingNumber]);
		expect(items.map((item) => item.carrierCode)).toEqual(['yuantong', 'yuantong']);
		// Advanced codes 301 (本人签收) and 103 (已揽收) belong to states 3 and 1.
		expect(items.map((item) => item.eventStatus)).toEqual(['delivered', 'picked_up']);
		expect(items[0].status).toBe('delivered');
		expect(items[0].isSigned).toBe(true);
		expect(items[0].monitorStatus).toBe('shutdown');
		expect(items[0].callbackQuery).toEqual({ orderId: '42' });
	});

	test('trigger rejects push under another salt', async () => {
		const trackingNumber = freshNumber();
		onlyItem(await subscribe({ trackingNumber, callbackUrl: receiverUrl }));
		triggerCredentials = credentials({ salt: 'otherSalt' });
		const pushResult = await sandbox.push(trackingNumber, { events });

		expect(pushResult.body).not.toBe(ACKNOWLEDGEMENT_TEXT);
		expect(received[0].trigger.workflowData).toBeUndefined();
	});

	test('subscription without salt gets unsigned push', async () => {
		const trackingNumber = freshNumber();
		onlyItem(await subscribe({ trackingNumber, callbackUrl: receiverUrl }, { credentials: credentials({ salt: '' }) }));
		triggerCredentials = credentials({ salt: '' });
		const pushResult = await sandbox.push(trackingNumber, { events });

		const form = new URLSearchParams(received[0].rawBody.toString('utf8'));
		expect(form.has('param')).toBe(true);
		expect(form.has('sign')).toBe(false);
		expect(pushResult.body).toBe(ACKNOWLEDGEMENT_TEXT);
	});
});
