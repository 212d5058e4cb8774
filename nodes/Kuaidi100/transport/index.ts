import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, IHttpRequestOptions, JsonObject } from 'n8n-workflow';

import { CredentialFieldError } from '../helpers/credentialErrors';
import type { Kuaidi100Failure } from '../helpers/errors';
import { endpointUrl } from './endpoints';
import type { EndpointName } from './endpoints';
import type { RateLimiter } from './rateLimiter';

export interface RequestSettings {
	/** Milliseconds to wait for one response before it counts as a timeout. */
	timeoutMs: number;
	/** Extra attempts after a transient failure; 0 sends each request once. */
	retries: number;
	/** Backoff before the first retry in milliseconds; each further retry doubles it. */
	retryDelayMs: number;
	limiter: RateLimiter;
	/** Credential values that must not appear in any message: key, customer and salt. */
	secrets: readonly string[];
}

export interface Kuaidi100Request {
	/** Form fields; the credential adds the authentication and encodes the form. */
	form?: Record<string, string>;
	qs?: Record<string, string>;
}

export type Kuaidi100Response =
	| { ok: true; body: IDataObject | IDataObject[]; attempts: number }
	| { ok: false; failure: Kuaidi100Failure; attempts: number };

const MAX_RETRY_DELAY_MS = 30_000;
const BODY_PREVIEW_LENGTH = 120;

/** Error codes of failures on the way to Kuaidi100 that another attempt may fix. */
const NETWORK_ERROR_CODES = new Set([
	'ECONNREFUSED',
	'ECONNRESET',
	'ECONNABORTED',
	'ETIMEDOUT',
	'ESOCKETTIMEDOUT',
	'EPIPE',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'ENETDOWN',
]);

/** A failure that another attempt may fix: the network, a timeout, HTTP 5xx or Kuaidi100 busy (502). */
class TransientFailure extends Error {
	constructor(
		message: string,
		readonly description: string,
		readonly httpCode?: number,
		readonly failure?: Kuaidi100Failure,
	) {
		super(message);
	}

	/** Whether a response arrived, so that its duration measures Kuaidi100's latency. */
	get responded(): boolean {
		return this.httpCode !== undefined || this.failure !== undefined;
	}
}

/** Shortest credential value worth masking; shorter ones would mask ordinary text. */
const MIN_SECRET_LENGTH = 4;

/** Lists the credential values that messages must never contain. */
export function credentialSecrets(credentials: IDataObject): string[] {
	return ['key', 'customer', 'salt']
		.map((name) => (typeof credentials[name] === 'string' ? (credentials[name] as string).trim() : ''))
		.filter((value) => value.length >= MIN_SECRET_LENGTH);
}

/**
 * Masks credential values in a text that came from outside: a proxy's error
 * page or a message may echo the request, which carries the key, customer and
 * salt in several encodings.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
	let redacted = text;
	for (const secret of secrets) {
		for (const form of new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])) {
			redacted = redacted.split(form).join('***');
		}
	}
	return redacted;
}

/**
 * Shortens a body for an error message. Error pages of proxies and firewalls
 * often echo the request URL or form, which carry the key, customer and sign,
 * so those values are masked by name.
 */
function preview(body: string, secrets: readonly string[]): string {
	const flat = redactSecrets(body, secrets)
		.replace(/\b(key|customer|sign|salt)(=|%3D)[^&\s"'<>]*/gi, '$1$2***')
		.replace(/(\\?"(?:key|customer|sign|salt)\\?"\s*:\s*\\?")[^"\\]*/gi, '$1***')
		.replace(/(%22(?:key|customer|sign|salt)%22(?:%20)*%3A(?:%20)*%22)[^%&\s]*/gi, '$1***')
		.replace(/\s+/g, ' ')
		.trim();
	return flat.length > BODY_PREVIEW_LENGTH ? `${flat.slice(0, BODY_PREVIEW_LENGTH)}…` : flat;
}

function isPlainObject(body: unknown): body is IDataObject {
	return body !== null && typeof body === 'object' && !Array.isArray(body);
}

/**
 * Shape check of each endpoint's success body. Anything else, such as
 * `{}` from another API, is reported instead of being read as "no events" or
 * "not recognised", which would hide a wrong API Base URL.
 */
const SUCCESS_SHAPES: Record<EndpointName, (body: unknown) => boolean> = {
	query: (body) => isPlainObject(body) && Array.isArray(body.data),
	detect: (body) => Array.isArray(body),
	subscribe: (body) => isPlainObject(body) && body.result === true,
};

function failureOf(body: unknown): Kuaidi100Failure | undefined {
	if (body === null || typeof body !== 'object' || Array.isArray(body)) {
		return undefined;
	}
	const { returnCode, result, message } = body as IDataObject;
	const code = returnCode === undefined || returnCode === null ? '' : String(returnCode);
	if (result === false || (code !== '' && code !== '200')) {
		return { returnCode: code, message: typeof message === 'string' ? message : '' };
	}
	return undefined;
}

/** Walks an error and its causes, as n8n wraps the HTTP library's error once or twice. */
function* causes(error: unknown): Generator<object> {
	const seen = new Set<unknown>();
	for (let current = error; current && typeof current === 'object' && !seen.has(current); ) {
		seen.add(current);
		yield current;
		current = (current as { cause?: unknown }).cause;
	}
}

function errorCode(error: unknown): string | undefined {
	for (const entry of causes(error)) {
		const code = (entry as { code?: unknown }).code;
		if (typeof code === 'string' && /^(E|ERR_)[A-Z_]+$/.test(code)) {
			return code;
		}
	}
	return undefined;
}

/**
 * Describes an error raised before any response arrived. Only its code is
 * used: the request behind it carries the key (detection) or the customer and
 * sign (query), so neither the library's message nor its request details may
 * reach an item or a log. Network failures and timeouts are transient; any
 * other error (a cancelled execution, a missing credential) is thrown at once.
 */
function describeRequestError(context: IExecuteFunctions, error: unknown, settings: RequestSettings, itemIndex: number): TransientFailure {
	const fieldError = [...causes(error)].find((entry) => entry instanceof CredentialFieldError);
	if (fieldError) {
		throw new NodeOperationError(context.getNode(), (fieldError as CredentialFieldError).message, {
			itemIndex,
			description: 'Open the Kuaidi100 credential and correct the field named above.',
		});
	}
	// n8n's own errors (such as a missing credential) carry no request details.
	const n8nError = [...causes(error)].find((entry) => entry instanceof NodeOperationError);
	if (n8nError) {
		throw new NodeOperationError(context.getNode(), redactSecrets((n8nError as NodeOperationError).message, settings.secrets), { itemIndex });
	}

	const code = errorCode(error);
	if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT') {
		return new TransientFailure(
			`Kuaidi100 did not respond within ${settings.timeoutMs} ms`,
			'Increase the Request Timeout option, or try again later.',
		);
	}
	if (code !== undefined && NETWORK_ERROR_CODES.has(code)) {
		return new TransientFailure(
			`Could not reach Kuaidi100 (${code})`,
			'Check that the n8n host can reach Kuaidi100, or the API Base URL of the credential if one is set.',
		);
	}
	if (code === 'ERR_CANCELED' || context.getExecutionCancelSignal()?.aborted) {
		throw new NodeOperationError(context.getNode(), 'The request to Kuaidi100 was cancelled with the execution', { itemIndex });
	}
	throw new NodeOperationError(context.getNode(), `The request to Kuaidi100 failed before any response arrived (${code ?? 'no error code'})`, {
		itemIndex,
		description: 'This is not a network error that another attempt could fix. Check the credential and the API Base URL.',
	});
}

/**
 * Sends one attempt. Returns the parsed body, or the transient failure that a
 * retry may fix; throws for everything a retry cannot fix.
 */
async function sendOnce(
	context: IExecuteFunctions,
	endpoint: EndpointName,
	request: Kuaidi100Request,
	settings: RequestSettings,
	itemIndex: number,
): Promise<{ body: IDataObject | IDataObject[] } | { transient: TransientFailure }> {
	const options: IHttpRequestOptions = {
		method: 'POST',
		url: endpointUrl(endpoint),
		qs: request.qs,
		body: request.form ?? {},
		timeout: settings.timeoutMs,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		// Parse here rather than in the HTTP library, so that a non-JSON body
		// becomes a clear error instead of a string mistaken for data.
		json: false,
		encoding: 'text',
	};

	let response: { statusCode: number; body: unknown };
	try {
		response = await context.helpers.httpRequestWithAuthentication.call(context, 'kuaidi100Api', options);
	} catch (error) {
		return { transient: describeRequestError(context, error, settings, itemIndex) };
	}

	const text = typeof response.body === 'string' ? response.body : String(response.body ?? '');
	if (response.statusCode >= 500) {
		return {
			transient: new TransientFailure(
				`Unexpected response from Kuaidi100 (HTTP ${response.statusCode}, body starts with “${preview(text, settings.secrets)}”)`,
				'Kuaidi100 or a proxy in between failed. Try again later.',
				response.statusCode,
			),
		};
	}

	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		body = undefined;
	}
	const failure = failureOf(body);
	const wellFormed = failure !== undefined || SUCCESS_SHAPES[endpoint](body);
	if (response.statusCode >= 300 || !wellFormed) {
		throw new NodeApiError(
			context.getNode(),
			{ httpCode: String(response.statusCode) } as JsonObject,
			{
				message: `Unexpected response from Kuaidi100 (HTTP ${response.statusCode}, body starts with “${preview(text, settings.secrets)}”)`,
				description:
					'Kuaidi100 answered with something other than its JSON format. If the credential sets an API Base URL, check that it points at a Kuaidi100-compatible server.',
				httpCode: String(response.statusCode),
				itemIndex,
			},
		);
	}

	if (failure?.returnCode === '502') {
		return { transient: new TransientFailure('Kuaidi100 is busy', '', undefined, failure) };
	}
	return { body: body as IDataObject | IDataObject[] };
}

/**
 * Sends one request to Kuaidi100 through the credential's authentication,
 * retrying transient failures with exponential backoff and jitter. Returns the
 * body on success and Kuaidi100's failure (returnCode and message) otherwise;
 * throws for transport errors once the retries are used up.
 */
export async function callKuaidi100(
	context: IExecuteFunctions,
	endpoint: EndpointName,
	request: Kuaidi100Request,
	settings: RequestSettings,
	itemIndex: number,
): Promise<Kuaidi100Response> {
	for (let attempt = 1; ; attempt++) {
		await settings.limiter.acquire();
		const sentAt = Date.now();
		const result = await sendOnce(context, endpoint, request, settings, itemIndex);
		// Only requests that got a response measure latency: a timeout would stretch the pacing for seconds.
		if ('body' in result || result.transient.responded) {
			settings.limiter.recordResponseTime(Date.now() - sentAt);
		}
		if ('body' in result) {
			const failure = failureOf(result.body);
			if (failure) {
				failure.message = redactSecrets(failure.message, settings.secrets);
				return { ok: false, failure, attempts: attempt };
			}
			return { ok: true, body: result.body, attempts: attempt };
		}

		const { transient } = result;
		if (attempt > settings.retries) {
			if (transient.failure) {
				transient.failure.message = redactSecrets(transient.failure.message, settings.secrets);
				return { ok: false, failure: transient.failure, attempts: attempt };
			}
			const error = new NodeApiError(context.getNode(), {} as JsonObject, {
				message: transient.message,
				description: `${transient.description} Gave up after ${attempt} attempt${attempt === 1 ? '' : 's'}.`,
				httpCode: transient.httpCode === undefined ? undefined : String(transient.httpCode),
				itemIndex,
			});
			// NodeApiError swaps a message naming a Node.js error code (ECONNREFUSED) for a generic
			// text that does not say which service failed, so the message is set again.
			error.message = transient.message;
			throw error;
		}

		const delay = Math.min(MAX_RETRY_DELAY_MS, settings.retryDelayMs * 2 ** (attempt - 1));
		// Equal jitter: half the delay is fixed and half random, so a batch of
		// throttled requests does not come back in lockstep.
		const jittered = delay / 2 + Math.random() * (delay / 2);
		if (context.getExecutionCancelSignal()?.aborted) {
			throw new NodeOperationError(context.getNode(), 'The request to Kuaidi100 was cancelled with the execution', { itemIndex });
		}
		context.logger.debug('Retrying Kuaidi100 request after a transient failure', {
			endpoint,
			itemIndex,
			attempt,
			reason: transient.message,
			delayMs: Math.round(jittered),
		});
		await sleep(jittered);
	}
}
