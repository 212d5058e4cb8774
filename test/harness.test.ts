import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
	callWebhook,
	loadNodeTypes,
	runNode,
	runWebhookMethod,
	testCredential,
	toLoadPath,
} from './harness';

/** A request the loopback server received. */
interface ReceivedRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	headers: IncomingHttpHeaders;
	body: unknown;
}

const GOOD_TOKEN = 'good-token-5f1c';

let server: Server;
let baseUrl: string;
const received: ReceivedRequest[] = [];

/**
 * Loopback API for the fixtures. POST /echo returns the request it received and POST /fail
 * returns status 500. GET /whoami returns `{ result }` for the header token (status 200 either
 * way, like APIs that report errors in the body) and status 401 for a wrong bearer token.
 */
function startServer(): Promise<void> {
	server = createServer((request, response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			const url = new URL(request.url ?? '/', 'http://127.0.0.1');
			const text = Buffer.concat(chunks).toString('utf8');
			const entry: ReceivedRequest = {
				method: request.method ?? '',
				path: url.pathname,
				query: Object.fromEntries(url.searchParams),
				headers: request.headers,
				body: text ? (JSON.parse(text) as unknown) : undefined,
			};
			received.push(entry);

			const reply = (statusCode: number, body: unknown) => {
				response.writeHead(statusCode, { 'content-type': 'application/json' });
				response.end(JSON.stringify(body));
			};
			if (url.pathname === '/echo') return reply(200, { received: entry });
			if (url.pathname === '/fail') return reply(500, { message: 'Internal failure' });
			if (url.pathname === '/whoami' && request.headers.authorization !== undefined) {
				const ok = request.headers.authorization === `Bearer ${GOOD_TOKEN}`;
				return ok ? reply(200, { result: true }) : reply(401, { message: 'Unauthorized' });
			}
			if (url.pathname === '/whoami') {
				return reply(200, { result: request.headers['x-harness-token'] === GOOD_TOKEN });
			}
			return reply(404, { message: 'Not found' });
		});
	});
	return new Promise((resolve) => {
		server.listen(0, '127.0.0.1', () => {
			baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
			resolve();
		});
	});
}

/** Returns a loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
	const probe = createServer();
	await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
	const { port } = probe.address() as AddressInfo;
	await new Promise<void>((resolve) => probe.close(() => resolve()));
	return port;
}

beforeAll(startServer);
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
	received.length = 0;
});

const headerCredentials = () => ({ harnessHeaderAuthApi: { baseUrl, token: GOOD_TOKEN } });

describe('loadNodeTypes', () => {
	test('maps dist paths to sources', () => {
		expect(toLoadPath('dist/nodes/Kuaidi100/Kuaidi100.node.js', 'source')).toBe(
			'nodes/Kuaidi100/Kuaidi100.node.ts',
		);
		expect(toLoadPath('dist/credentials/Kuaidi100Api.credentials.js', 'dist')).toBe(
			'dist/credentials/Kuaidi100Api.credentials.js',
		);
	});

	test('loads package and fixture types', () => {
		const nodeTypes = loadNodeTypes();
		const packageJson = JSON.parse(
			readFileSync(join(__dirname, '..', 'package.json'), 'utf8'),
		) as { n8n: { nodes: string[]; credentials: string[] } };
		const known = nodeTypes.getKnownTypes() as Record<string, { sourcePath: string }>;
		const loadedPaths = Object.values(known).map(({ sourcePath }) => sourcePath);

		for (const path of packageJson.n8n.nodes.map((p) => toLoadPath(p, 'source'))) {
			const expectedMissing = nodeTypes.missingFiles.includes(path);
			expect({ path, loaded: loadedPaths.includes(path) }).toEqual({ path, loaded: !expectedMissing });
		}
		expect(Object.keys(known)).toEqual(expect.arrayContaining(['harnessItems', 'harnessProbe']));
		expect(nodeTypes.getCredentialType('harnessHeaderAuthApi').supportedNodes).toEqual([
			'harnessProbe',
		]);
		expect(nodeTypes.fullTypeName('harnessProbe')).toBe('n8n-nodes-kuaidi100.harnessProbe');
	});
});

describe('runNode', () => {
	test('items flow with pairedItem', async () => {
		const { outputs, error } = await runNode({
			type: 'harnessProbe',
			parameters: { path: '/echo', note: "={{ $('Orders').item.json.orderId }}" },
			input: [{ orderId: 'A-1' }, { orderId: 'B-2' }],
			credentials: headerCredentials(),
		});

		expect(error).toBeUndefined();
		expect(outputs).toHaveLength(1);
		expect(outputs[0].map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(received.map((request) => request.body)).toEqual([
			{ note: 'A-1', itemIndex: 0 },
			{ note: 'B-2', itemIndex: 1 },
		]);
		expect(outputs[0][1].json).toMatchObject({ received: { path: '/echo', body: { note: 'B-2' } } });
	});

	test('function authenticate adds headers', async () => {
		await runNode({ type: 'harnessProbe', parameters: {}, credentials: headerCredentials() });

		expect(received).toHaveLength(1);
		// `headerName` was not given, so its default 'x-harness-token' must have been applied.
		expect(received[0].headers['x-harness-token']).toBe(GOOD_TOKEN);
		const expectedDigest = createHash('sha256').update(GOOD_TOKEN).digest('hex');
		expect(received[0].headers['x-harness-token-sha256']).toBe(expectedDigest);
	});

	test('generic authenticate resolves expressions', async () => {
		await runNode({
			type: 'harnessProbe',
			parameters: { authentication: 'bearerAuth' },
			credentials: { harnessBearerAuthApi: { baseUrl, token: GOOD_TOKEN, account: 'acct-7' } },
		});

		expect(received).toHaveLength(1);
		expect(received[0].headers.authorization).toBe(`Bearer ${GOOD_TOKEN}`);
		expect(received[0].query).toEqual({ account: 'acct-7' });
	});

	test('continueErrorOutput routes error item to output 1', async () => {
		const { outputs, error } = await runNode({
			type: 'harnessProbe',
			parameters: { path: "={{ $json.step === 'bad' ? '/fail' : '/echo' }}" },
			input: [{ step: 'good' }, { step: 'bad' }, { step: 'good' }],
			credentials: headerCredentials(),
			onError: 'continueErrorOutput',
		});

		expect(error).toBeUndefined();
		expect(outputs).toHaveLength(2);
		expect(outputs[0].map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
		expect(outputs[1]).toHaveLength(1);
		expect(outputs[1][0].pairedItem).toEqual({ item: 1 });
		expect(outputs[1][0].json.error).toEqual(expect.any(String));
	});

	test('continueRegularOutput keeps error item in output 0', async () => {
		const { outputs, error } = await runNode({
			type: 'harnessProbe',
			parameters: { path: '/fail' },
			credentials: headerCredentials(),
			onError: 'continueRegularOutput',
		});

		expect(error).toBeUndefined();
		expect(outputs[0]).toHaveLength(1);
		expect(outputs[0][0].json.error).toEqual(expect.any(String));
		expect(outputs[0][0].pairedItem).toEqual({ item: 0 });
	});

	test('stopWorkflow returns the node error', async () => {
		const { outputs, error, runData } = await runNode({
			type: 'harnessProbe',
			parameters: { path: '/fail' },
			input: [{}, {}],
			credentials: headerCredentials(),
		});

		expect(outputs).toEqual([]);
		expect(error?.name).toBe('NodeApiError');
		expect((error as unknown as { httpCode: string }).httpCode).toBe('500');
		expect(runData['Harness Probe'][0].error?.message).toBe(error?.message);
		// The run stops at the first failing item.
		expect(received).toHaveLength(1);
	});

	test('logs are captured without secrets', async () => {
		const { logs } = await runNode({
			type: 'harnessProbe',
			parameters: { path: '/echo' },
			input: [{}, {}],
			credentials: headerCredentials(),
		});

		expect(logs).toContain('info Harness probe sends item 1 to /echo {"itemIndex":1}');
		expect(logs.some((line) => line.includes('Running node "Harness Probe" finished'))).toBe(true);
		expect(logs.filter((line) => line.includes(GOOD_TOKEN))).toEqual([]);
	});
});

describe('testCredential', () => {
	test('accepted token returns OK', async () => {
		const result = await testCredential('harnessHeaderAuthApi', { baseUrl, token: GOOD_TOKEN });

		expect(result).toMatchObject({ status: 'OK', message: 'Connection successful!' });
		expect(received[0]).toMatchObject({ method: 'GET', path: '/whoami' });
		expect(received[0].headers['x-harness-token']).toBe(GOOD_TOKEN);
	});

	test('responseSuccessBody rule returns Error', async () => {
		const result = await testCredential('harnessHeaderAuthApi', { baseUrl, token: 'wrong' });

		expect(result).toMatchObject({ status: 'Error', message: 'The token was rejected' });
	});

	test('responseCode rule returns Error', async () => {
		const result = await testCredential('harnessBearerAuthApi', { baseUrl, token: 'wrong' });

		expect(result).toMatchObject({ status: 'Error', message: 'The bearer token is invalid' });
		expect(received[0].headers.authorization).toBe('Bearer wrong');
	});

	test('generic authenticate passes', async () => {
		const result = await testCredential('harnessBearerAuthApi', { baseUrl, token: GOOD_TOKEN });

		expect(result.status).toBe('OK');
	});

	test('refused connection returns its code', async () => {
		const port = await closedPort();
		const result = await testCredential('harnessHeaderAuthApi', {
			baseUrl: `http://127.0.0.1:${port}`,
			token: GOOD_TOKEN,
		});

		expect(result).toMatchObject({ status: 'Error', message: 'ECONNREFUSED' });
	});
});

describe('webhooks', () => {
	const trigger = { type: 'harnessPushTrigger', parameters: { acknowledgement: 'received' } };
	const staticKey = 'node:Harness Push Trigger';

	test('create stores data for later pushes', async () => {
		const { result, staticData } = await runWebhookMethod({ ...trigger, method: 'create' });

		expect(result).toBe(true);
		expect(staticData[staticKey]).toEqual({
			token: 'push-token',
			webhookUrl:
				'http://127.0.0.1:5678/webhook/00000000-0000-4000-8000-000000000001/push',
		});
	});

	test('static data is kept between pushes', async () => {
		const created = await runWebhookMethod({ ...trigger, method: 'create' });
		const push = {
			...trigger,
			query: { token: 'push-token' },
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: 'param=%7B%22status%22%3A%22polling%22%7D&sign=ABC',
		};

		const first = await callWebhook({ ...push, staticData: created.staticData });
		expect(first.response).toEqual({
			statusCode: 200,
			headers: { 'content-type': 'application/json; charset=utf-8' },
			body: { result: true, message: 'received' },
		});
		expect(first.workflowData?.[0]?.[0].json).toEqual({
			body: { param: '{"status":"polling"}', sign: 'ABC' },
			rawBody: 'param=%7B%22status%22%3A%22polling%22%7D&sign=ABC',
			contentType: 'application/x-www-form-urlencoded',
			pushCount: 1,
		});

		const second = await callWebhook({ ...push, staticData: first.staticData });
		expect(second.workflowData?.[0]?.[0].json.pushCount).toBe(2);
		expect(second.staticData[staticKey]).toMatchObject({ token: 'push-token', pushCount: 2 });
	});

	test('deferred reply loses static data changes', async () => {
		const created = await runWebhookMethod({ ...trigger, method: 'create' });
		const result = await callWebhook({
			...trigger,
			parameters: { ...trigger.parameters, replyFirst: false },
			staticData: created.staticData,
			query: { token: 'push-token' },
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: 'param=%7B%7D&sign=ABC',
		});

		expect(result.workflowData?.[0]?.[0].json.pushCount).toBe(1);
		expect(result.staticData[staticKey]).not.toHaveProperty('pushCount');
	});

	test('responseData overrides webhookResponse once started', async () => {
		const created = await runWebhookMethod({ ...trigger, method: 'create' });
		const result = await callWebhook({
			...trigger,
			parameters: { ...trigger.parameters, replyFirst: false, responseData: 'firstEntryJson' },
			staticData: created.staticData,
			query: { token: 'push-token' },
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: 'param=%7B%7D&sign=ABC',
		});

		// n8n 2.41 sends the responseData text itself, not the node's acknowledgement.
		expect(result.workflowData).toBeDefined();
		expect(result.response.body).toBe('firstEntryJson');
	});

	test('response object rejects forged push', async () => {
		const created = await runWebhookMethod({ ...trigger, method: 'create' });
		const result = await callWebhook({
			...trigger,
			staticData: created.staticData,
			query: { token: 'forged' },
			body: { anything: true },
		});

		expect(result.response.statusCode).toBe(401);
		expect(result.response.body).toEqual({ message: 'Invalid token' });
		expect(result.workflowData).toBeUndefined();
	});

	test('invalid JSON body gets 422', async () => {
		const result = await callWebhook({
			...trigger,
			headers: { 'content-type': 'application/json' },
			body: '{"unterminated": ',
		});

		expect(result.response.statusCode).toBe(422);
		expect(result.workflowData).toBeUndefined();
	});
});
