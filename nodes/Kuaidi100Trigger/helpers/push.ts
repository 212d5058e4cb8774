import type { IDataObject } from 'n8n-workflow';

import { isValidPushSign } from '../../Kuaidi100/helpers/signing';

/** Reply that confirms to Kuaidi100 that a push was delivered. Any other reply makes Kuaidi100 retry. */
export const PUSH_ACKNOWLEDGEMENT = { result: true, returnCode: '200', message: '成功' } as const;

/** Reason for rejecting a push, as logged and returned to Kuaidi100. */
export type PushRejectionReason =
	| 'missing param'
	| 'unparsable param'
	| 'param not verifiable'
	| 'missing sign'
	| 'sign mismatch';

/** The `param` and `sign` form fields of a push, as far as they could be read. */
export interface PushFields {
	/** The `param` value exactly as received (form-decoded), the string Kuaidi100 signed. */
	rawParam: string | undefined;
	/** A `param` that reached the node already parsed and could not be recovered as text. */
	parsedParam: IDataObject | undefined;
	sign: string | undefined;
}

export type PushCheck =
	| { accepted: true; push: IDataObject; verified: boolean }
	| { accepted: false; reason: PushRejectionReason; trackingNumber: string | null };

function isPlainObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function formFieldsOf(rawBody: Buffer | undefined): URLSearchParams | undefined {
	if (rawBody === undefined || rawBody.length === 0) {
		return undefined;
	}
	const text = rawBody.toString('utf8');
	// n8n's body parser strips a byte order mark before parsing, so the raw view does too.
	return new URLSearchParams(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
}

/**
 * Reads `param` and `sign` from a push. The form-decoded string n8n parsed is
 * used when there is one. When `param` arrived as an object instead, its raw
 * text is taken again from the raw form body, because the signature covers the
 * text as sent and no re-serialisation reproduces it reliably.
 */
export function readPushFields(body: IDataObject, rawBody: Buffer | undefined): PushFields {
	const form = formFieldsOf(rawBody);
	const fromForm = (name: string) => form?.get(name) ?? undefined;

	let rawParam: string | undefined;
	let parsedParam: IDataObject | undefined;
	if (typeof body.param === 'string') {
		rawParam = body.param;
	} else {
		rawParam = fromForm('param');
		if (rawParam === undefined && isPlainObject(body.param)) {
			parsedParam = body.param;
		}
	}
	const sign = typeof body.sign === 'string' ? body.sign : fromForm('sign');
	return { rawParam, parsedParam, sign };
}

function parseParam(rawParam: string): IDataObject | undefined {
	try {
		const parsed: unknown = JSON.parse(rawParam);
		return isPlainObject(parsed) ? parsed : undefined;
	} catch {
		// The caller reports the push as unparsable.
		return undefined;
	}
}

/**
 * Reply to a verified push that the node cannot process because its parameters
 * are invalid. Kuaidi100 counts it as a failed delivery and retries 3 times
 * about 35 minutes apart, so a push survives a fix made in that time.
 */
export const CONFIGURATION_ERROR_REPLY = {
	result: false,
	returnCode: '500',
	message: 'Push not processed: invalid node configuration',
} as const;

/** Returns the tracking number of a push's main result, for logs; null when it has none. */
export function trackingNumberOf(push: IDataObject | undefined): string | null {
	const lastResult = push?.lastResult;
	if (!isPlainObject(lastResult)) {
		return null;
	}
	return typeof lastResult.nu === 'string' && lastResult.nu !== '' ? lastResult.nu : null;
}

/**
 * Decides whether a push is accepted. With a salt, `sign` must equal
 * MD5(param + salt) over the raw `param` text (either hex case). Without a salt
 * there is nothing to verify, so any parsable `param` is accepted, including
 * one that arrived already parsed.
 */
export function checkPush(fields: PushFields, salt: string): PushCheck {
	const push = fields.rawParam === undefined ? fields.parsedParam : parseParam(fields.rawParam);
	const reject = (reason: PushRejectionReason): PushCheck => ({
		accepted: false,
		reason,
		trackingNumber: trackingNumberOf(push),
	});

	if (salt === '') {
		if (push !== undefined) {
			return { accepted: true, push, verified: false };
		}
		return reject(fields.rawParam === undefined ? 'missing param' : 'unparsable param');
	}

	if (fields.rawParam === undefined) {
		return reject(fields.parsedParam === undefined ? 'missing param' : 'param not verifiable');
	}
	if (fields.sign === undefined || fields.sign.trim() === '') {
		return reject('missing sign');
	}
	if (!isValidPushSign(fields.rawParam, salt, fields.sign)) {
		return reject('sign mismatch');
	}
	if (push === undefined) {
		return reject('unparsable param');
	}
	return { accepted: true, push, verified: true };
}

/**
 * Builds the reply to a rejected push. Kuaidi100 counts any reply other than
 * the acknowledgement as a failed delivery and retries 3 times about 35 minutes
 * apart. That is the wanted effect: a genuine push that was corrupted on the
 * way, or that met a Push Salt being corrected, arrives again and can then
 * pass, while a forged request gets nothing. Acknowledging a rejected push
 * instead would drop real updates for good. Signature problems use 503,
 * Kuaidi100's own code for a failed signature check; an unreadable `param`
 * uses 400.
 */
export function rejectionReply(reason: PushRejectionReason): IDataObject {
	const returnCode = reason === 'missing param' || reason === 'unparsable param' ? '400' : '503';
	return { result: false, returnCode, message: `Push rejected: ${reason}` };
}
