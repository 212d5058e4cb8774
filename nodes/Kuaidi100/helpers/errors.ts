import { NodeApiError } from 'n8n-workflow';
import type { INode, JsonObject } from 'n8n-workflow';

import type { EndpointName } from '../transport/endpoints';

/** A Kuaidi100 body that reports failure: `result: false` with a string `returnCode`. */
export interface Kuaidi100Failure {
	returnCode: string;
	message: string;
}

interface ErrorExplanation {
	summary: string;
	hint: string;
}

const SIGNATURE_HINT =
	'Check the Kuaidi100 credential: Customer is the 32-character company ID and Key the authorization key. A swapped or mistyped pair gives this error.';
const QUOTA_HINT =
	'The key has expired or its query package is used up. Renew or top up the package on the Kuaidi100 console.';
const BUSY_HINT = 'Kuaidi100 is busy. The request was retried as configured; run the workflow again later.';
const LOCK_HINT =
	'Kuaidi100 locks a number for 24 hours after more than 48 queries within 24 hours and then returns no new data. Query each number at most every 30 minutes (hourly is recommended), or use the Subscribe operation with a Kuaidi100 Trigger so Kuaidi100 pushes changes instead.';

/** Return codes of the real-time query (poll/query.do). */
const QUERY_ERRORS: Record<string, ErrorExplanation> = {
	'400': {
		summary: 'Kuaidi100 rejected the request',
		hint: 'The carrier code is not supported, the request data is incomplete, or the account is not enabled or not topped up for the real-time query API.',
	},
	'408': {
		summary: 'The phone does not match this waybill',
		hint: 'Kuaidi100 checks the phone for SF Express, SF Freight and ZTO. Enter the sender’s or recipient’s phone number, or its last 4 digits (for a virtual number such as 138****1234-5678, the 4 digits after the dash).',
	},
	'500': {
		summary: 'Kuaidi100 has no tracking information for this number',
		hint: 'The waybill may have no scans yet, or the number does not belong to the selected carrier. Check the carrier, or try again later.',
	},
	'501': {
		summary: 'Kuaidi100 reported a server error',
		hint: 'This also happens for a malformed request, such as an invalid carrier code. Check the carrier code, then try again later.',
	},
	'502': { summary: 'Kuaidi100 is busy', hint: BUSY_HINT },
	'503': { summary: 'Kuaidi100 rejected the signature', hint: SIGNATURE_HINT },
	'601': { summary: 'Kuaidi100 rejected the key', hint: QUOTA_HINT },
};

/** Return codes of the subscription endpoint (poll). */
const SUBSCRIBE_ERRORS: Record<string, ErrorExplanation> = {
	'500': {
		summary: 'Kuaidi100 could not accept the subscription',
		hint: 'Kuaidi100 also returns this for a request that does not conform, such as a wrong carrier code. Check the carrier and number, then try again later.',
	},
	'501': {
		summary: 'This number is already subscribed',
		hint: 'Kuaidi100 keeps tracking it and ignores the repeated request. Subscribe again only after a push with status abort or shutdown, and wait about 30 minutes. At most 4 subscriptions per carrier and number are accepted each month.',
	},
	'600': {
		summary: 'Kuaidi100 does not recognise the key',
		hint: 'Check the Key field of the Kuaidi100 credential.',
	},
	'601': { summary: 'Kuaidi100 rejected the key', hint: QUOTA_HINT },
	'700': {
		summary: 'Kuaidi100 rejected the subscription data',
		hint: 'The carrier is not supported, the tracking number is empty or too long, or the callback URL is invalid.',
	},
	'701': {
		summary: 'Kuaidi100 does not accept subscriptions for this carrier',
		hint: 'Pick another carrier code, or track this number with the Track operation.',
	},
	'702': {
		summary: 'Kuaidi100 could not identify the carrier of this number',
		hint: 'Select the carrier instead of letting Kuaidi100 detect it.',
	},
};

/** Return codes of smart number recognition (autonumber/auto). */
const DETECT_ERRORS: Record<string, ErrorExplanation> = {
	'201': {
		summary: 'Kuaidi100 does not consider this a valid tracking number',
		hint: 'Check the number for typos and stray characters.',
	},
	'601': {
		summary: 'Carrier detection is not available for this key',
		hint: 'Kuaidi100 enables carrier detection only for accounts with a paid query or subscription package, or the key has expired. Buy a package, or select the carrier instead of Auto-detect.',
	},
	'701': {
		summary: 'Kuaidi100 received no key',
		hint: 'Fill in the Key field of the Kuaidi100 credential.',
	},
};

const ERRORS_BY_ENDPOINT: Record<EndpointName, Record<string, ErrorExplanation>> = {
	query: QUERY_ERRORS,
	subscribe: SUBSCRIBE_ERRORS,
	detect: DETECT_ERRORS,
};

/**
 * Codes whose meaning is settled by the code itself, so their message text
 * must not be read as a lock or a phone mismatch (a 601 "查询次数已用完" is
 * a used-up quota, not a locked number).
 */
const SELF_EXPLAINING_CODES = new Set(['503', '601', '600', '502']);

/**
 * Tells whether a query failure reports the number as locked for over-querying.
 * NOTE: Kuaidi100 does not document the body of this response, so it is
 * recognised by the words its messages use for a lock or too frequent queries.
 */
export function isLockedNumberFailure(failure: Kuaidi100Failure): boolean {
	if (SELF_EXPLAINING_CODES.has(failure.returnCode)) {
		return false;
	}
	return /锁|locked|频繁|too many|too frequent/i.test(failure.message);
}

/** Tells whether a query failure reports that the phone (Kuaidi100's "verification code") does not match. */
function isPhoneMismatch(failure: Kuaidi100Failure): boolean {
	if (failure.returnCode === '408') {
		return true;
	}
	return !SELF_EXPLAINING_CODES.has(failure.returnCode) && /验证码|手机号|电话/.test(failure.message);
}

/** Returns the English summary and hint for a failure of an endpoint. */
export function explainFailure(endpoint: EndpointName, failure: Kuaidi100Failure): ErrorExplanation {
	if (endpoint === 'query' && isLockedNumberFailure(failure)) {
		return { summary: 'Kuaidi100 locked this number for over-querying', hint: LOCK_HINT };
	}
	if (endpoint === 'query' && isPhoneMismatch(failure)) {
		return QUERY_ERRORS['408'];
	}
	const known = ERRORS_BY_ENDPOINT[endpoint][failure.returnCode];
	if (known) {
		return known;
	}
	// Only the query documents 502, but the transport treats it as busy on every endpoint.
	if (failure.returnCode === '502') {
		return { summary: 'Kuaidi100 is busy', hint: BUSY_HINT };
	}
	return {
		summary: failure.returnCode ? 'Kuaidi100 returned an unexpected return code' : 'Kuaidi100 reported a failure without a return code',
		hint: 'See the return code table in the Kuaidi100 API documentation, or contact Kuaidi100 support with the message shown.',
	};
}

/** Builds the NodeApiError for a failure body, keeping Kuaidi100's own message (often Chinese) verbatim. */
export function failureError(
	node: INode,
	endpoint: EndpointName,
	failure: Kuaidi100Failure,
	itemIndex?: number,
): NodeApiError {
	const { summary, hint } = explainFailure(endpoint, failure);
	const details = [failure.returnCode ? `returnCode ${failure.returnCode}` : '', failure.message ? `“${failure.message}”` : '']
		.filter((part) => part !== '')
		.join(': ');
	const error = new NodeApiError(node, { ...failure } as unknown as JsonObject, {
		message: details ? `${summary} (${details})` : summary,
		description: hint,
		itemIndex,
	});
	error.context.returnCode = failure.returnCode || null;
	error.context.kuaidi100Message = failure.message;
	return error;
}
