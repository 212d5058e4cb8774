/**
 * The Kuaidi100 credential: its test as n8n's CredentialsTester runs it against the sandbox, and
 * its `authenticate` for each endpoint. Signatures are computed here from Kuaidi100's documented
 * formula: upper-case hex MD5 over the UTF-8 bytes of param + key + customer.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { ICredentialDataDecryptedObject, IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import { Kuaidi100Api } from '../credentials/Kuaidi100Api.credentials';
import { testCredential } from './harness';
import { EXPIRED_ACCOUNT, FAKE_ACCOUNT, startSandbox } from './sandbox';
import type { Sandbox } from './sandbox';

const QUERY_PATH = '/poll/query.do';

function md5UpperHex(text: string): string {
	return createHash('md5').update(text, 'utf8').digest('hex').toUpperCase();
}

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

describe('credential test', () => {
	test('paid account passes', async () => {
		const result = await testCredential('kuaidi100Api', { ...FAKE_ACCOUNT, baseUrl: sandbox.url });

		expect(result.status).toBe('OK');
	});

	test('sends a signed real-time query', async () => {
		await testCredential('kuaidi100Api', { ...FAKE_ACCOUNT, baseUrl: sandbox.url });

		expect(sandbox.requests).toHaveLength(1);
		const [request] = sandbox.requests;
		expect(request.method).toBe('POST');
		expect(request.path).toBe(QUERY_PATH);
		expect(request.headers['content-type']).toContain('application/x-www-form-urlencoded');
		expect(request.form.customer).toBe(FAKE_ACCOUNT.customer);
		expect(typeof request.param).toBe('object');
		expect(request.form.sign).toBe(md5UpperHex(request.form.param + FAKE_ACCOUNT.key + FAKE_ACCOUNT.customer));
		expect(request.signValid).toBe(true);
		expect(request.rawBody).not.toContain(FAKE_ACCOUNT.key);
	});

	test('expired account reports 601', async () => {
		const result = await testCredential('kuaidi100Api', { ...EXPIRED_ACCOUNT, baseUrl: sandbox.url });

		expect(sandbox.requests[0].returnCode).toBe('601');
		expect(result.status).toBe('Error');
		expect(result.message).toContain('601');
		expect(result.message).toMatch(/expired/i);
		expect(result.message).toMatch(/quota/i);
	});

	test('wrong key reports 503', async () => {
		const result = await testCredential('kuaidi100Api', { ...FAKE_ACCOUNT, key: 'WrongKey00', baseUrl: sandbox.url });

		expect(sandbox.requests[0].signValid).toBe(false);
		expect(sandbox.requests[0].returnCode).toBe('503');
		expect(result.status).toBe('Error');
		expect(result.message).toContain('503');
		expect(result.message).toMatch(/signature/i);
		expect(result.message).not.toContain('WrongKey00');
	});

	test('swapped key and customer', async () => {
		const result = await testCredential('kuaidi100Api', {
			customer: FAKE_ACCOUNT.key,
			key: FAKE_ACCOUNT.customer,
			baseUrl: sandbox.url,
		});

		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/swapped/i);
		expect(result.message).toContain('Customer');
		expect(result.message).toContain('32-character');
		expect(result.message).not.toContain(FAKE_ACCOUNT.key);
		expect(result.message).not.toContain(FAKE_ACCOUNT.customer);
		expect(sandbox.requests).toHaveLength(0);
	});

	test.each([
		['too short', 'CUSTFAKE0000000000000000000000A', 31],
		['too long', 'CUSTFAKE00000000000000000000000AB', 33],
	])('customer %s names its length', async (_case, customer, length) => {
		const result = await testCredential('kuaidi100Api', { ...FAKE_ACCOUNT, customer, baseUrl: sandbox.url });

		expect(result.status).toBe('Error');
		expect(result.message).toContain('Customer');
		expect(result.message).toContain(`${length} characters`);
		expect(result.message).toContain('32-character');
		expect(result.message).not.toContain(customer);
		expect(result.message).not.toContain(FAKE_ACCOUNT.key);
		expect(sandbox.requests).toHaveLength(0);
	});

	test('empty key names the field', async () => {
		const result = await testCredential('kuaidi100Api', { ...FAKE_ACCOUNT, key: '', baseUrl: sandbox.url });

		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/\bKey\b/);
		expect(result.message).toMatch(/empty/i);
		expect(sandbox.requests).toHaveLength(0);
	});

	test.each([
		['HTML page', 'text/html;charset=UTF-8', '<!DOCTYPE html><html><body><p>系统维护中</p></body></html>'],
		['truncated JSON', 'application/json;charset=UTF-8', '{"message":"ok","state":"0","data":[{"time":"2026-05-0'],
		['JSON of another API', 'application/json;charset=UTF-8', '{"ok":true}'],
	])('%s with HTTP 200 fails', async (_case, contentType, body) => {
		const server = createServer((request, response) => {
			request.resume();
			request.on('end', () => {
				response.writeHead(200, { 'content-type': contentType });
				response.end(body);
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
			const result = await testCredential('kuaidi100Api', { ...FAKE_ACCOUNT, baseUrl: url });

			expect(result.status).toBe('Error');
			expect(result.message).toMatch(/did not answer like Kuaidi100/);
			expect(result.message).toContain('API Base URL');
		} finally {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
	});

	test('surrounding whitespace is ignored', async () => {
		const result = await testCredential('kuaidi100Api', {
			customer: ` ${FAKE_ACCOUNT.customer}\n`,
			key: `${FAKE_ACCOUNT.key} `,
			baseUrl: `${sandbox.url}/`,
		});

		expect(result.status).toBe('OK');
		expect(sandbox.requests[0].path).toBe(QUERY_PATH);
		expect(sandbox.requests[0].signValid).toBe(true);
	});
});

describe('authenticate', () => {
	const credential = new Kuaidi100Api();
	const baseUrl = 'http://127.0.0.1:8100';
	const credentials = { ...FAKE_ACCOUNT, baseUrl };

	// Request URLs as the node builds them before the credential redirects them (Kuaidi100's hosts).
	const queryUrl = 'https://poll.kuaidi100.com/poll/query.do';
	const subscribeUrl = 'https://poll.kuaidi100.com/poll';
	const detectUrl = 'https://www.kuaidi100.com/autonumber/auto';

	async function authenticate(data: ICredentialDataDecryptedObject, options: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		return await credential.authenticate(data, options);
	}

	function formOf(options: IHttpRequestOptions): URLSearchParams {
		expect(typeof options.body).toBe('string');
		return new URLSearchParams(options.body as string);
	}

	test('query gets customer, param and sign', async () => {
		const param = '{"com":"yuantong","num":"YT7100000000001","from":"广东省深圳市南山区A&B+1号","order":"desc"}';
		const options = await authenticate(credentials, { method: 'POST', url: queryUrl, body: { param } });

		const form = formOf(options);
		expect([...form.keys()].sort()).toEqual(['customer', 'param', 'sign']);
		expect(form.get('customer')).toBe(FAKE_ACCOUNT.customer);
		expect(form.get('param')).toBe(param);
		expect(form.get('sign')).toBe(md5UpperHex(param + FAKE_ACCOUNT.key + FAKE_ACCOUNT.customer));
		expect(options.url).toBe(`${baseUrl}/poll/query.do`);
		expect(options.headers?.['Content-Type']).toBe('application/x-www-form-urlencoded');
	});

	test('query sign matches documented vector', async () => {
		// Test vector from Kuaidi100's signing scheme, computed independently.
		const param = '{"com":"yuantong","num":"YT1234567890","phone":"","resultv2":"4","show":"0","order":"desc"}';
		const customer = 'testcustomer'.padEnd(32, '0');
		const options = await authenticate({ customer, key: 'testkey', baseUrl }, { method: 'POST', url: queryUrl, body: { param } });

		expect(formOf(options).get('sign')).toBe(md5UpperHex(`${param}testkey${customer}`));
		expect(md5UpperHex(`${param}testkeytestcustomer`)).toBe('00641F2C45BC54C4A7B55528A472A34D');
	});

	test('subscribe puts key and salt in param', async () => {
		const param = { company: 'yuantong', number: 'YT7100000000001', parameters: { callbackurl: 'http://127.0.0.1:5678/webhook/kuaidi100' } };
		const options = await authenticate(credentials, {
			method: 'POST',
			url: subscribeUrl,
			body: { param: JSON.stringify(param) },
		});

		const form = formOf(options);
		expect(form.get('sign')).toBeNull();
		expect(form.get('schema')).toBe('json');
		const sent = JSON.parse(form.get('param') ?? '{}') as IDataObject;
		expect(sent.key).toBe(FAKE_ACCOUNT.key);
		expect(sent.company).toBe('yuantong');
		expect(sent.number).toBe('YT7100000000001');
		expect(sent.parameters).toEqual({ callbackurl: 'http://127.0.0.1:5678/webhook/kuaidi100', salt: FAKE_ACCOUNT.salt });
		expect(options.url).toBe(`${baseUrl}/poll`);
	});

	test('subscribe without salt omits it', async () => {
		const param = { company: 'yuantong', number: 'YT7100000000001', parameters: { callbackurl: 'http://127.0.0.1:5678/webhook/kuaidi100' } };
		const options = await authenticate({ ...credentials, salt: '' }, {
			method: 'POST',
			url: subscribeUrl,
			body: { param: JSON.stringify(param) },
		});

		const sent = JSON.parse(formOf(options).get('param') ?? '{}') as IDataObject;
		expect(sent.key).toBe(FAKE_ACCOUNT.key);
		expect(sent.parameters).toEqual({ callbackurl: 'http://127.0.0.1:5678/webhook/kuaidi100' });
		expect(formOf(options).get('sign')).toBeNull();
	});

	test('detect puts key in query string', async () => {
		const options = await authenticate(credentials, {
			method: 'POST',
			url: detectUrl,
			qs: { num: 'YT7100000000001' },
			body: {},
		});

		expect(options.qs).toEqual({ num: 'YT7100000000001', key: FAKE_ACCOUNT.key });
		expect(options.url).toBe(`${baseUrl}/autonumber/auto`);
		expect(JSON.stringify(options.body ?? {})).not.toContain(FAKE_ACCOUNT.customer);
	});

	test.each([
		['no slash', 'http://127.0.0.1:8100'],
		['one slash', 'http://127.0.0.1:8100/'],
		['several slashes', 'http://127.0.0.1:8100///'],
		['whitespace', ' http://127.0.0.1:8100/ '],
	])('base URL with %s', async (_case, configured) => {
		const data = { ...FAKE_ACCOUNT, baseUrl: configured };
		const query = await authenticate(data, { method: 'POST', url: queryUrl, body: { param: '{}' } });
		const subscribe = await authenticate(data, { method: 'POST', url: subscribeUrl, body: { param: '{}' } });
		const detect = await authenticate(data, { method: 'POST', url: detectUrl, qs: { num: 'YT7100000000001' } });

		expect(query.url).toBe('http://127.0.0.1:8100/poll/query.do');
		expect(subscribe.url).toBe('http://127.0.0.1:8100/poll');
		expect(detect.url).toBe('http://127.0.0.1:8100/autonumber/auto');
	});

	test('base URL path prefix is kept', async () => {
		const data = { ...FAKE_ACCOUNT, baseUrl: 'http://127.0.0.1:8100/kuaidi100/' };
		const query = await authenticate(data, { method: 'POST', url: queryUrl, body: { param: '{}' } });
		const detect = await authenticate(data, { method: 'POST', url: detectUrl, qs: { num: 'YT7100000000001' } });

		expect(query.url).toBe('http://127.0.0.1:8100/kuaidi100/poll/query.do');
		expect(detect.url).toBe('http://127.0.0.1:8100/kuaidi100/autonumber/auto');
	});

	test('relative URL with baseURL option', async () => {
		const options = await authenticate(credentials, {
			method: 'POST',
			baseURL: 'https://poll.kuaidi100.com',
			url: '/poll/query.do',
			body: { param: '{}' },
		});

		expect(options.url).toBe(`${baseUrl}/poll/query.do`);
		expect(options.baseURL).toBeUndefined();
	});

	test('empty base URL keeps Kuaidi100 hosts', async () => {
		// authenticate only rewrites the options; nothing is sent.
		const data = { ...FAKE_ACCOUNT, baseUrl: '' };
		const query = await authenticate(data, { method: 'POST', url: queryUrl, body: { param: '{}' } });
		const detect = await authenticate(data, { method: 'POST', url: detectUrl, qs: { num: 'YT7100000000001' } });

		expect(query.url).toBe(queryUrl);
		expect(detect.url).toBe(detectUrl);
	});

	test('other URLs pass through', async () => {
		const options: IHttpRequestOptions = { method: 'GET', url: 'http://127.0.0.1:8100/health' };
		const result = await authenticate(credentials, options);

		expect(result).toEqual(options);
	});

	test('swapped pair throws before signing', async () => {
		const swapped = { customer: FAKE_ACCOUNT.key, key: FAKE_ACCOUNT.customer, baseUrl };

		await expect(authenticate(swapped, { method: 'POST', url: queryUrl, body: { param: '{}' } })).rejects.toThrow(
			/swapped/i,
		);
	});
});
