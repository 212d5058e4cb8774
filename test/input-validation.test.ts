import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { explainFailure } from '../nodes/Kuaidi100/helpers/errors';
import { callbackUrlWarnings } from '../nodes/Kuaidi100/helpers/callbackUrl';
import { runNode } from './harness';
import { FAKE_ACCOUNT, SHUNFENG_PHONE, WAYBILL_NUMBERS, startSandbox, type Sandbox } from './sandbox';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ lockAfter: 10_000 });
});
afterAll(async () => {
	await sandbox.close();
});
beforeEach(() => {
	sandbox.clearRequests();
});

function trackParameters(overrides: INodeParameters = {}, options: IDataObject = {}): INodeParameters {
	return {
		resource: 'tracking',
		operation: 'track',
		carrier: { __rl: true, mode: 'code', value: 'yuantong' },
		trackingNumber: WAYBILL_NUMBERS.yuantongInTransit,
		phone: '',
		output: 'events',
		...overrides,
		options: options as INodeParameters,
	};
}

async function track(overrides: INodeParameters = {}, options: IDataObject = {}, baseUrl = sandbox.url) {
	return await runNode({
		type: 'kuaidi100',
		parameters: trackParameters(overrides, options),
		credentials: { kuaidi100Api: { ...FAKE_ACCOUNT, baseUrl } },
	});
}

/** Serves one fixed response to every request on 127.0.0.1, in place of a misbehaving server. */
async function withFixedServer<T>(
	statusCode: number,
	body: string,
	run: (url: string) => Promise<T>,
): Promise<T> {
	const server = createServer((request, response) => {
		request.resume();
		request.on('end', () => {
			response.writeHead(statusCode, { 'Content-Type': 'text/html; charset=utf-8' });
			response.end(body);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	try {
		return await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
	} finally {
		server.closeAllConnections();
		await new Promise((resolve) => server.close(resolve));
	}
}

describe('request options from expressions', () => {
	it.each([
		['retries', 'x', 'Retries'],
		['retries', 1000, 'Retries'],
		['maxConcurrency', 'many', 'Max Concurrent Requests'],
		['maxConcurrency', 0, 'Max Concurrent Requests'],
		['timeout', 0, 'Request Timeout'],
		['timeout', 'abc', 'Request Timeout'],
		['retryDelay', -1, 'Retry Delay'],
		['maxRequestsPerSecond', 'fast', 'Max Requests per Second'],
	])('rejects %s = %p', async (name, value, displayName) => {
		const { error, outputs } = await track({}, { [name]: value });

		expect(error?.message).toContain(displayName);
		expect(error?.description).toContain('such as');
		expect(outputs[0] ?? []).toHaveLength(0);
		expect(sandbox.requests).toHaveLength(0);
	});

	it('accepts numbers given as text', async () => {
		const { error, outputs } = await track({}, { retries: '1', maxConcurrency: '3', timeout: '5000' });

		expect(error).toBeUndefined();
		expect(outputs[0]).toHaveLength(5);
	});
});

describe('choice values from expressions', () => {
	it.each([
		[{ output: 'foo' }, {}, 'Output'],
		[{}, { order: 'up' }, 'Event Order'],
		[{}, { whenNoEvents: 'fail' }, 'When There Are No Events'],
		[{}, { resultDetail: '3' }, 'Result Detail'],
		[{}, { lang: 'fr' }, 'Language'],
	])('rejects %p %p', async (parameters, options, displayName) => {
		const { error } = await track(parameters as INodeParameters, options);

		expect(error?.message).toContain(displayName);
		expect(error?.message).toContain('is not one of its values');
		expect(error?.description).toMatch(/^Use one of: /);
		expect(sandbox.requests).toHaveLength(0);
	});
});

describe('tracking number input', () => {
	it('removes whitespace inside the number', async () => {
		const { error } = await track({ trackingNumber: ' YT71 0000\u00a000000\u200b01\t' });

		expect(error).toBeUndefined();
		expect(JSON.parse(sandbox.requests[0].form.param).num).toBe('YT7100000000001');
	});

	it('cuts a huge value in the message', async () => {
		const { error } = await track({ trackingNumber: 'Y'.repeat(10_000) });

		expect(error?.message).toContain('10000 characters');
		expect(error?.message.length).toBeLessThan(200);
		expect(sandbox.requests).toHaveLength(0);
	});

	it('rejects an unsafe JavaScript number', async () => {
		const { error } = await track({ trackingNumber: 1234567890123456789 });

		expect(error?.message).toContain('may have lost digits');
		expect(sandbox.requests).toHaveLength(0);
	});

	it('accepts a safe JavaScript number', async () => {
		await track({ trackingNumber: 773100000000004, carrier: { __rl: true, mode: 'code', value: 'shentong' } });

		expect(JSON.parse(sandbox.requests[0].form.param).num).toBe('773100000000004');
	});
});

describe('phone input', () => {
	it('rejects a phone that is not one', async () => {
		const { error } = await track({
			carrier: { __rl: true, mode: 'code', value: 'shunfeng' },
			trackingNumber: WAYBILL_NUMBERS.shunfengOutForDelivery,
			phone: 'abc',
		});

		expect(error?.message).toBe('Phone “abc” is not a phone number or its last 4 digits');
		expect(sandbox.requests).toHaveLength(0);
	});

	it('accepts a landline with area code', async () => {
		await track({
			carrier: { __rl: true, mode: 'code', value: 'shunfeng' },
			trackingNumber: WAYBILL_NUMBERS.shunfengOutForDelivery,
			phone: SHUNFENG_PHONE,
		});

		expect(sandbox.requests).toHaveLength(1);
	});
});

describe('bodies that are not Kuaidi100 answers', () => {
	it.each(['{}', '[]', '{"result":true}', 'null'])('query body %s is an unexpected response', async (body) => {
		const { error } = await withFixedServer(200, body, async (url) => await track({}, {}, url));

		expect(error?.message).toContain('Unexpected response from Kuaidi100 (HTTP 200');
		expect(error?.description).toContain('API Base URL');
	});

	it('skips null entries among events', async () => {
		const body = JSON.stringify({
			message: 'ok',
			nu: 'YT7100000000001',
			ischeck: '0',
			com: 'yuantong',
			status: '200',
			state: '0',
			data: [null, { time: '2026-05-01 23:30:00', ftime: '2026-05-01 23:30:00', context: '已揽收' }, 'x'],
		});
		const { error, outputs } = await withFixedServer(200, body, async (url) => await track({}, {}, url));

		expect(error).toBeUndefined();
		expect(outputs[0]).toHaveLength(1);
		expect(outputs[0][0].json.context).toBe('已揽收');
		expect(outputs[0][0].json.eventCount).toBe(1);
		expect(outputs[0][0].json.isLatest).toBe(true);
	});

	it('masks secrets an error page echoes', async () => {
		const page = '<html>Access denied: /autonumber/auto?num=YT7100000000001&key=K3yFake000 customer=CUSTFAKE00000000000000000000000A</html>';
		const { error } = await withFixedServer(403, page, async (url) =>
			await runNode({
				type: 'kuaidi100',
				parameters: { resource: 'carrier', operation: 'detect', trackingNumber: 'YT7100000000001', options: {} },
				credentials: { kuaidi100Api: { ...FAKE_ACCOUNT, baseUrl: url } },
			}),
		);

		expect(error?.message).toContain('HTTP 403');
		expect(error?.message).toContain('key=***');
		expect(error?.message).not.toContain(FAKE_ACCOUNT.key);
		expect(error?.message).not.toContain(FAKE_ACCOUNT.customer);
	});
});

/** Serves an error page that echoes the whole request, the way some gateways do. */
async function withEchoServer<T>(statusCode: number, run: (url: string) => Promise<T>): Promise<T> {
	const server = createServer((request, response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			const raw = Buffer.concat(chunks).toString('utf8');
			const decoded = new URLSearchParams(raw);
			response.writeHead(statusCode, { 'Content-Type': 'text/plain; charset=utf-8' });
			// The raw form, then each decoded value, then the JSON-in-JSON form of param.
			response.end(`${request.url} ${[...decoded.values()].join(' ')} ${JSON.stringify({ echo: decoded.get('param') })} ${raw}`);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	try {
		return await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
	} finally {
		server.closeAllConnections();
		await new Promise((resolve) => server.close(resolve));
	}
}

describe('gateway pages that echo the request', () => {
	const secretAccount = { customer: 'CUSTECHO0000000000000000000000ZZ', key: 'K3yEcho7Qx', salt: 's4ltEcho9' };
	const operations: Array<[string, INodeParameters]> = [
		['track', trackParameters()],
		[
			'subscribe',
			{
				resource: 'tracking',
				operation: 'subscribe',
				carrier: { __rl: true, mode: 'code', value: 'yuantong' },
				trackingNumber: 'YT7100000000001',
				callbackUrl: 'http://n8n.example.com/webhook/kuaidi100',
				options: {},
			},
		],
		['detect', { resource: 'carrier', operation: 'detect', trackingNumber: 'YT7100000000001', options: {} }],
	];

	it.each(operations)('%s error hides every credential value', async (_name, parameters) => {
		for (const statusCode of [403, 502]) {
			const result = await withEchoServer(statusCode, async (url) =>
				await runNode({
					type: 'kuaidi100',
					parameters: { ...parameters, options: { retries: 0 } },
					credentials: { kuaidi100Api: { ...secretAccount, baseUrl: url } },
				}),
			);
			const seen = JSON.stringify([result.error, result.outputs, result.logs]);

			expect(result.error?.message).toContain(`HTTP ${statusCode}`);
			expect(seen).not.toContain(secretAccount.key);
			expect(seen).not.toContain(secretAccount.customer);
			expect(seen).not.toContain(secretAccount.salt);
		}
	});
});

describe('errors before any response', () => {
	it('missing credential is not retried', async () => {
		const { error, logs } = await runNode({
			type: 'kuaidi100',
			parameters: trackParameters({}, { retries: 3, retryDelay: 0 }),
			credentials: {},
		});

		expect(error?.message).toMatch(/credential/i);
		expect(error?.message).not.toContain('Could not reach Kuaidi100');
		expect(logs.join('\n')).not.toContain('Retrying Kuaidi100 request');
	});
});

describe('failure texts read by code first', () => {
	it('reports 601 with a count message as quota', () => {
		const explanation = explainFailure('query', { returnCode: '601', message: '查询次数已用完' });

		expect(explanation.summary).toBe('Kuaidi100 rejected the key');
	});

	it('reports a lock message under 500 as a lock', () => {
		const explanation = explainFailure('query', { returnCode: '500', message: '该单号查询过于频繁，已被锁定' });

		expect(explanation.summary).toBe('Kuaidi100 locked this number for over-querying');
	});

	it('reads a verification-code message as phone mismatch', () => {
		const explanation = explainFailure('query', { returnCode: '400', message: '快递公司参数异常：验证码错误' });

		expect(explanation.summary).toBe('The phone does not match this waybill');
	});
});

describe('callback hosts Kuaidi100 cannot resolve', () => {
	it.each(['http://my-n8n:5678/webhook/x', 'http://n8n.local/webhook/x', 'http://n8n.internal/webhook/x'])(
		'warns about %s',
		(url) => {
			expect(callbackUrlWarnings(new URL(url)).join(' ')).toContain('local network name');
		},
	);

	it('accepts a public name', () => {
		expect(callbackUrlWarnings(new URL('http://n8n.example.com/webhook/x'))).toEqual([]);
	});
});
