import { NodeOperationError } from 'n8n-workflow';
import type { INode } from 'n8n-workflow';

import type { Carrier } from './carriers';
import { PHONE_REQUIRED_CARRIERS } from './carriers';

/** Kuaidi100 accepts tracking numbers of 6 to 32 characters; it publishes no per-carrier pattern. */
const MIN_NUMBER_LENGTH = 6;
const MAX_NUMBER_LENGTH = 32;

// Spaces, tabs, line breaks, no-break and zero-width spaces: what spreadsheets
// and copy-paste leave around and inside numbers.
const INVISIBLE = /[\s\u00a0\u200b-\u200d\u2060\ufeff]/g;

/** Maximum length of a user's value that an error message repeats. */
const MAX_QUOTED_LENGTH = 40;

/** Quotes a value for an error message, cut to a readable length. */
export function quoteValue(value: unknown): string {
	const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
	if (text.length <= MAX_QUOTED_LENGTH) {
		return `“${text}”`;
	}
	return `“${text.slice(0, MAX_QUOTED_LENGTH)}…” (${text.length} characters)`;
}

/** Strips whitespace a spreadsheet or copy-paste left in a number and checks Kuaidi100's length rule. */
export function normaliseTrackingNumber(node: INode, raw: unknown, itemIndex: number): string {
	if (typeof raw === 'number' && !Number.isSafeInteger(raw)) {
		// A spreadsheet column read as numbers turns 19-digit waybills into rounded floats.
		throw new NodeOperationError(node, `Tracking Number arrived as the number ${raw}, which may have lost digits`, {
			itemIndex,
			description:
				'Numbers above 9007199254740991 cannot be represented exactly. Read the column as text, or map it with an expression such as {{ String($json.number) }} from a text source.',
		});
	}
	const value = raw === undefined || raw === null ? '' : String(raw).replace(INVISIBLE, '');
	if (value === '') {
		throw new NodeOperationError(node, 'Tracking Number is empty', {
			itemIndex,
			description: 'Enter or map the waybill number, for example YT7100000000001.',
		});
	}
	if (value.length < MIN_NUMBER_LENGTH || value.length > MAX_NUMBER_LENGTH) {
		throw new NodeOperationError(
			node,
			`Tracking Number must be ${MIN_NUMBER_LENGTH} to ${MAX_NUMBER_LENGTH} characters long, but ${quoteValue(value)} has ${value.length}`,
			{ itemIndex, description: 'Check the mapped value. A valid example: YT7100000000001.' },
		);
	}
	if (!/^[\x21-\x7e]+$/.test(value)) {
		throw new NodeOperationError(node, `Tracking Number ${quoteValue(value)} contains characters other than letters, digits and punctuation`, {
			itemIndex,
			description: 'Waybill numbers use ASCII letters and digits, for example YT7100000000001 or SF1400000000001.',
		});
	}
	return value;
}

/**
 * Normalises the phone Kuaidi100 checks for some carriers. For an
 * e-commerce virtual number such as 13800000000-1234 Kuaidi100 wants the
 * 4 digits after the dash; any other value is sent without spaces.
 */
export function normalisePhone(raw: unknown): string {
	const value = raw === undefined || raw === null ? '' : String(raw).replace(INVISIBLE, '');
	const virtual = /^[\d*]+[-－转]\s*(\d{4})$/.exec(value);
	return virtual ? virtual[1] : value;
}

/** A phone number with optional +, * or - separators, or just its last 4 digits. */
const PHONE_PATTERN = /^\+?[\d*][\d*-]{2,18}\d$/;

/**
 * Rejects a query for SF Express, SF Freight or ZTO without a phone, or with
 * one that cannot be right, before anything is sent, because Kuaidi100 would
 * charge the query and return only 408. Other carriers ignore the phone.
 */
export function assertPhoneIfRequired(node: INode, carrier: Carrier, phone: string, itemIndex: number): void {
	if (!PHONE_REQUIRED_CARRIERS.has(carrier.code)) {
		return;
	}
	if (phone !== '' && !PHONE_PATTERN.test(phone)) {
		throw new NodeOperationError(node, `Phone ${quoteValue(phone)} is not a phone number or its last 4 digits`, {
			itemIndex,
			description: 'Enter the sender’s or recipient’s phone, for example 13800001234, 0755-12345678 or 1234.',
		});
	}
	if (phone !== '') {
		return;
	}
	throw new NodeOperationError(
		node,
		`Phone is required for ${carrier.nameEn ?? carrier.nameZh} (${carrier.code})`,
		{
			itemIndex,
			description:
				'Kuaidi100 only answers for this carrier with the sender’s or recipient’s phone number or its last 4 digits. Fill in Phone, for example 13800001234 or 1234.',
		},
	);
}

/** Rejects Result Detail 8 (arrival estimate) without a destination, which Kuaidi100 requires for it. */
export function assertDestinationForEstimate(node: INode, resultDetail: string, to: string, itemIndex: number): void {
	if (resultDetail !== '8' || to !== '') {
		return;
	}
	throw new NodeOperationError(node, 'Result Detail “Arrival Estimate” needs the To option', {
		itemIndex,
		description: 'Kuaidi100 estimates arrival only with a destination. Add To, for example 北京市朝阳区.',
	});
}
