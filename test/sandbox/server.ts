/**
 * The sandbox's HTTP server: routes Kuaidi100's endpoints to their handlers, injects faults,
 * records every request and sends pushes.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { handleAutonumber } from './autonumber';
import { FaultInjector, type FaultDecision, type FaultKind, type FaultOptions } from './faults';
import { sendPush, type PushOptions, type PushResult } from './push';
import { handleQuery, type QueryState } from './query';
import {
	errorReply,
	htmlErrorPage,
	HTML_CONTENT_TYPE,
	JSON_CONTENT_TYPE,
	parseParam,
	type EndpointReply,
	type EndpointRequest,
} from './replies';
import { handleSubscribe, type SubscribeState, type Subscription } from './subscribe';
import { ERROR_MESSAGES } from './waybills';

export interface SandboxOptions {
	/** TCP port; 0 (default) picks a free one. */
	port?: number;
	/** Only loopback is allowed. */
	host?: '127.0.0.1';
	faults?: FaultOptions;
	/** Queries of one number allowed within 24 hours before it locks; default 48, as at Kuaidi100. */
	lockAfter?: number;
	/** Receives one line per request and push; lines never contain query strings, form values or keys. */
	log?: (line: string) => void;
	/** Pushes each accepted subscription's waybill this many milliseconds after subscribing. */
	autoPushAfterSubscribe?: number;
	/** Clock in epoch milliseconds for the 24-hour lock and the monthly subscription limit. */
	now?: () => number;
}

export interface RecordedRequest {
	method: string;
	/** Path without the query string. */
	path: string;
	query: Record<string, string>;
	headers: IncomingHttpHeaders;
	rawBody: string;
	form: Record<string, string>;
	/** The `param` form field parsed as JSON, `null` when absent or not JSON. */
	param: unknown;
	/** Result of the query sign check; `null` on endpoints without a sign or when not checked. */
	signValid: boolean | null;
	/** `returnCode` of the response body; `null` for success bodies, arrays, HTML and faults without a body. */
	returnCode: string | null;
	/** HTTP status sent; `null` when the socket was reset or no response was sent. */
	statusCode: number | null;
	fault: FaultKind | null;
	/** Arrival time, epoch milliseconds. */
	at: number;
}

export interface RecordedPush extends PushResult {
	number: string;
	company: string;
	at: number;
}

export interface Sandbox {
	/** Base URL, `http://127.0.0.1:PORT`, for the credential's baseUrl. */
	url: string;
	requests: RecordedRequest[];
	clearRequests(): void;
	/** Replaces the fault settings; the generator restarts from the new seed. */
	setFaults(faults: FaultOptions): void;
	/** Accepted subscriptions keyed `${company}:${number}`. */
	subscriptions: Map<string, Subscription>;
	/** Every push sent, oldest first. */
	pushes: RecordedPush[];
	/** Requests being handled now: from arrival until the response is handed to the socket or the connection closes. */
	readonly inFlight: number;
	/**
	 * Highest `inFlight` since the start or the latest `resetPeakInFlight()`. The sandbox counts a
	 * request out before its client can see the response, so a client that keeps at most N requests
	 * open cannot push this above N. The exception is a client that gives up on a request the
	 * sandbox has not answered yet (timeout fault) and sends another.
	 */
	readonly peakInFlight: number;
	/** Restarts the peak from the requests in flight now. */
	resetPeakInFlight(): void;
	/** Pushes the waybill of a subscribed number to its callback URL (loopback only). */
	push(number: string, options?: PushOptions): Promise<PushResult>;
	/** Stops the server, closes keep-alive and unanswered connections and cancels pending pushes. */
	close(): Promise<void>;
}

const MAX_BODY_BYTES = 1 << 20;

function firstValues(params: URLSearchParams): Record<string, string> {
	const fields: Record<string, string> = {};
	for (const [name, value] of params) {
		if (!(name in fields)) fields[name] = value;
	}
	return fields;
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size <= MAX_BODY_BYTES) chunks.push(chunk);
		});
		req.on('end', () => resolve(size <= MAX_BODY_BYTES ? Buffer.concat(chunks) : undefined));
		req.on('error', reject);
	});
}

function delay(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function faultReply(decision: FaultDecision, path: string, param: unknown): EndpointReply {
	const context = { param, signValid: null };
	switch (decision.fault) {
		case 'busy':
			// The subscription's code table has no 502; its "server error" is 500.
			return path === '/poll' ? errorReply('500', '服务器错误', context) : errorReply('502', ERROR_MESSAGES['502'], context);
		case 'http5xx': {
			const statusCode = [500, 502, 503, 504][Math.floor(decision.variant * 4)];
			return { statusCode, contentType: HTML_CONTENT_TYPE, body: htmlErrorPage(statusCode), returnCode: null, ...context };
		}
		default: {
			const truncatedJson = decision.variant < 0.5;
			const body = truncatedJson
				? '{"message":"ok","state":"0","status":"200","condition":"F00","ischeck":"0","com":"yuantong","data":[{"time":"2026-05-0'
				: '<!DOCTYPE html><html><head><meta charset="utf-8"><title>系统维护中</title></head><body><p>系统维护中，请稍后再试</p></body></html>';
			return { statusCode: 200, contentType: truncatedJson ? JSON_CONTENT_TYPE : HTML_CONTENT_TYPE, body, returnCode: null, ...context };
		}
	}
}

/** Starts a Kuaidi100-compatible server on 127.0.0.1. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	if (options.host !== undefined && options.host !== '127.0.0.1') {
		throw new Error(`the sandbox listens only on 127.0.0.1, got host ${String(options.host)}`);
	}
	const lockAfter = options.lockAfter ?? 48;
	if (!Number.isInteger(lockAfter) || lockAfter < 0) throw new RangeError(`lockAfter must be a non-negative integer, got ${lockAfter}`);

	const log = options.log ?? (() => undefined);
	const now = options.now ?? Date.now;
	const faults = new FaultInjector(options.faults);
	const requests: RecordedRequest[] = [];
	const pushes: RecordedPush[] = [];
	const subscriptions = new Map<string, Subscription>();
	const autoPushTimers = new Set<NodeJS.Timeout>();
	let inFlight = 0;
	let peakInFlight = 0;
	// Own connection pool for pushes, so close() can end its keep-alive sockets.
	const pushAgent = new Agent({ keepAliveTimeout: 1_000 });

	const queryState: QueryState = { lockAfter, now, queryTimes: new Map() };
	const subscribeState: SubscribeState = {
		now,
		subscriptions,
		subscribeTimes: new Map(),
		onAccepted: (subscription) => {
			if (options.autoPushAfterSubscribe === undefined) return;
			const timer = setTimeout(() => {
				autoPushTimers.delete(timer);
				push(subscription.number, { company: subscription.company }).catch((error: Error) =>
					log(`automatic push for ${subscription.company}:${subscription.number} failed: ${error.message}`),
				);
			}, options.autoPushAfterSubscribe);
			timer.unref();
			autoPushTimers.add(timer);
		},
	};

	async function push(number: string, pushOptions: PushOptions = {}): Promise<PushResult> {
		const candidates = [...subscriptions.values()].filter(
			(subscription) => subscription.number === number && (pushOptions.company === undefined || subscription.company === pushOptions.company),
		);
		if (candidates.length === 0) throw new Error(`no subscription for tracking number ${number}; subscribe it through POST /poll first`);
		const subscription = candidates.reduce((latest, candidate) => (candidate.subscribedAt >= latest.subscribedAt ? candidate : latest));

		const result = await sendPush(subscription, pushOptions, pushAgent);
		pushes.push({ ...result, number, company: subscription.company, at: now() });
		log(`push ${subscription.company}:${number} -> HTTP ${result.statusCode}`);
		return result;
	}

	function route(request: EndpointRequest, path: string): EndpointReply {
		switch (path) {
			case '/poll/query.do':
				return handleQuery(request, queryState);
			case '/autonumber/auto':
				return handleAutonumber(request);
			case '/poll':
				return handleSubscribe(request, subscribeState);
			default:
				return { statusCode: 404, contentType: HTML_CONTENT_TYPE, body: htmlErrorPage(404), returnCode: null, param: null, signValid: null };
		}
	}

	/** Counts a request as in flight until `finish` runs, which is once whatever ends it. */
	function trackInFlight(res: ServerResponse): () => void {
		inFlight += 1;
		peakInFlight = Math.max(peakInFlight, inFlight);
		let finished = false;
		const finish = (): void => {
			if (finished) return;
			finished = true;
			inFlight -= 1;
		};
		// Covers responses that are never sent: reset and timeout faults, and a client that hangs up.
		res.once('close', finish);
		return finish;
	}

	async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const at = Date.now();
		const finishInFlight = trackInFlight(res);
		const body = await readBody(req);
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const method = req.method ?? 'GET';
		const rawBody = body?.toString('utf8') ?? '';
		const isForm = (req.headers['content-type'] ?? '').toLowerCase().includes('application/x-www-form-urlencoded');
		const request: EndpointRequest = {
			method,
			query: firstValues(url.searchParams),
			form: isForm ? firstValues(new URLSearchParams(rawBody)) : {},
		};
		const record: RecordedRequest = {
			method,
			path: url.pathname,
			query: request.query,
			headers: req.headers,
			rawBody,
			form: request.form,
			param: parseParam(request.form.param),
			signValid: null,
			returnCode: null,
			statusCode: null,
			fault: null,
			at,
		};
		requests.push(record);

		if (body === undefined) {
			record.statusCode = 413;
			finishInFlight();
			res.writeHead(413, { 'content-type': HTML_CONTENT_TYPE }).end(htmlErrorPage(413));
			return;
		}

		const decision = faults.decide();
		if (decision.delayMs > 0) await delay(decision.delayMs);
		record.fault = decision.fault;
		if (decision.fault === 'reset') {
			log(`${method} ${url.pathname} -> connection reset (fault)`);
			req.socket.destroy();
			return;
		}
		if (decision.fault === 'timeout') {
			// No response is sent; close() ends the connection.
			log(`${method} ${url.pathname} -> no response (fault)`);
			return;
		}

		const reply = decision.fault === null ? route(request, url.pathname) : faultReply(decision, url.pathname, record.param);
		record.signValid = reply.signValid;
		record.returnCode = reply.returnCode;
		record.statusCode = reply.statusCode;
		const payload = Buffer.from(reply.body, 'utf8');
		// Counted out before the response is written, because the client may send its next request as
		// soon as it has the response, before the server's `close` event runs.
		finishInFlight();
		res.writeHead(reply.statusCode, { 'content-type': reply.contentType, 'content-length': payload.length });
		res.end(payload);

		const codeText = reply.returnCode === null ? '' : ` returnCode ${reply.returnCode}`;
		const faultText = decision.fault === null ? '' : ` (fault ${decision.fault})`;
		log(`${method} ${url.pathname} -> HTTP ${reply.statusCode}${codeText}${faultText}`);
	}

	const server = createServer((req, res) => {
		handle(req, res).catch((error: Error) => {
			log(`${req.method ?? 'GET'} request failed inside the sandbox: ${error.message}`);
			if (!res.headersSent) res.writeHead(500, { 'content-type': HTML_CONTENT_TYPE }).end(htmlErrorPage(500));
		});
	});

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, '127.0.0.1', () => {
			server.off('error', reject);
			resolve();
		});
	});
	const { port } = server.address() as AddressInfo;
	const url = `http://127.0.0.1:${port}`;
	log(`Kuaidi100 sandbox listening on ${url}`);

	let closing: Promise<void> | undefined;
	async function close(): Promise<void> {
		closing ??= (async () => {
			for (const timer of autoPushTimers) clearTimeout(timer);
			autoPushTimers.clear();
			const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
			server.closeAllConnections();
			await Promise.all([stopped, pushAgent.destroy()]);
			log('Kuaidi100 sandbox stopped');
		})();
		return closing;
	}

	return {
		url,
		requests,
		clearRequests: () => {
			requests.length = 0;
		},
		setFaults: (faultOptions) => faults.configure(faultOptions),
		subscriptions,
		pushes,
		get inFlight() {
			return inFlight;
		},
		get peakInFlight() {
			return peakInFlight;
		},
		resetPeakInFlight: () => {
			peakInFlight = inFlight;
		},
		push,
		close,
	};
}
