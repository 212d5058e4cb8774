import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INode, INodeProperties } from 'n8n-workflow';

import type { Carrier } from '../helpers/carriers';
import { resolveCarrier } from '../helpers/carriers';
import { quoteValue } from '../helpers/validate';
import type { RequestSettings } from '../transport';

/** Value of the carrier parameter that requests detection instead of a fixed carrier. */
export const AUTO_DETECT = 'auto';

/** Per-execution state that every operation shares. */
export interface OperationContext {
	settings: RequestSettings;
}

export type OperationExecute = (
	this: IExecuteFunctions,
	itemIndex: number,
	context: OperationContext,
) => Promise<IDataObject[]>;

export function carrierLocator(description: string): INodeProperties {
	return {
		displayName: 'Carrier',
		name: 'carrier',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Search by code, Chinese or English name…',
				typeOptions: { searchListMethod: 'searchCarriers', searchable: true },
			},
			{
				displayName: 'By Code or Name',
				name: 'code',
				type: 'string',
				placeholder: 'e.g. yuantong, SF, 顺丰 or auto',
			},
		],
	};
}

export const trackingNumberProperty: INodeProperties = {
	displayName: 'Tracking Number',
	name: 'trackingNumber',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. YT7100000000001',
	description: 'The waybill number (运单号), 6 to 32 characters. Spaces and line breaks anywhere in it are removed.',
};

export const phoneProperty: INodeProperties = {
	displayName: 'Phone',
	name: 'phone',
	type: 'string',
	default: '',
	placeholder: 'e.g. 13800001234 or 1234',
	description:
		'Sender’s or recipient’s phone number, or its last 4 digits. Required for SF Express (shunfeng), SF Freight (shunfengkuaiyun) and ZTO (zhongtong); other carriers ignore it.',
};

export const fromOption: INodeProperties = {
	displayName: 'From',
	name: 'from',
	type: 'string',
	default: '',
	placeholder: 'e.g. 广东省深圳市南山区',
	description: 'Origin as province, city and district (省市区). Kuaidi100 uses it to judge the delivered state more accurately.',
};

export const toOption: INodeProperties = {
	displayName: 'To',
	name: 'to',
	type: 'string',
	default: '',
	placeholder: 'e.g. 北京市朝阳区',
	description:
		'Destination as province, city and district (省市区). Required by the Arrival Estimate detail; subscriptions are also checked more often near the destination.',
};

/** Values of Result Detail (resultv2) that this package offers: none, 1, 4 and 8. */
export const RESULT_DETAILS = ['', '1', '4', '8'] as const;

export const resultDetailOption: INodeProperties = {
	displayName: 'Result Detail',
	name: 'resultDetail',
	type: 'options',
	default: '',
	description: 'How much Kuaidi100 adds to each event (resultv2)',
	options: [
		{ name: 'None', value: '', description: 'Time and text of each event only' },
		{
			name: 'Area Parsing',
			value: '1',
			description: 'Adds the area code, area name and basic status of each event (resultv2=1)',
		},
		{
			name: 'Advanced Status',
			value: '4',
			description: 'Adds advanced status codes, area coordinates and the route summary (resultv2=4)',
		},
		{
			name: 'Arrival Estimate',
			value: '8',
			description: 'Adds the estimated arrival time and predicted route; needs To (resultv2=8)',
		},
	],
};

/** Options that control how requests are sent; every operation that calls Kuaidi100 offers them. */
export const requestOptions: INodeProperties[] = [
	{
		displayName: 'Max Concurrent Requests',
		name: 'maxConcurrency',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 50 },
		default: 5,
		description: 'How many input items are sent to Kuaidi100 at the same time',
	},
	{
		displayName: 'Max Requests per Second',
		name: 'maxRequestsPerSecond',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 1000, numberPrecision: 2 },
		default: 0,
		description: 'Upper limit on requests per second across all items of this execution, retries included. 0 means no limit.',
	},
	{
		displayName: 'Request Timeout',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: 1000, maxValue: 300000 },
		default: 10000,
		description: 'Milliseconds to wait for each response before it counts as a timeout',
	},
	{
		displayName: 'Retries',
		name: 'retries',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 10 },
		default: 2,
		description:
			'Extra attempts after a network error, a timeout, HTTP 5xx or Kuaidi100 busy (returnCode 502). Errors that another attempt cannot fix are never retried.',
	},
	{
		displayName: 'Retry Delay',
		name: 'retryDelay',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 60000 },
		default: 500,
		description:
			'Milliseconds to wait before the first retry. Each further retry doubles it (up to 30 seconds), with random jitter.',
	},
];

/**
 * Adds the request options to an operation's own options, sorted by display
 * name as n8n lists collection entries.
 */
export function withRequestOptions(options: INodeProperties[]): INodeProperties[] {
	return [...options, ...requestOptions].sort((a, b) => a.displayName.localeCompare(b.displayName));
}

/** Resolves the carrier parameter into a carrier, or AUTO_DETECT; an unknown value lists the closest carriers. */
export function readCarrier(this: IExecuteFunctions, itemIndex: number): Carrier | typeof AUTO_DETECT {
	const raw = this.getNodeParameter('carrier', itemIndex, '', { extractValue: true }) as unknown;
	const input = raw === undefined || raw === null ? '' : String(raw).trim();
	if (input === '') {
		throw new NodeOperationError(this.getNode(), 'Carrier is empty', {
			itemIndex,
			description: 'Pick a carrier from the list, or enter a Kuaidi100 code such as yuantong, an alias such as SF or 顺丰, or auto.',
		});
	}
	if (input.toLowerCase() === AUTO_DETECT) {
		return AUTO_DETECT;
	}

	const resolved = resolveCarrier(input);
	if (resolved.carrier) {
		return resolved.carrier;
	}
	const suggestions = resolved.suggestions.map((carrier) => `${carrier.code} (${carrier.nameEn ?? carrier.nameZh})`);
	throw new NodeOperationError(this.getNode(), `Carrier ${quoteValue(input)} is not a Kuaidi100 carrier code or a known name`, {
		itemIndex,
		description: suggestions.length
			? `Closest matches: ${suggestions.join(', ')}. Pick one from the list or enter its code, for example yuantong.`
			: 'Pick a carrier from the list, or enter a Kuaidi100 code such as yuantong.',
	});
}

interface NumberOptionRule {
	name: string;
	displayName: string;
	fallback: number;
	min: number;
	max: number;
	integer: boolean;
}

/** Bounds of the request options; the UI enforces them too, but expressions bypass the UI. */
const REQUEST_OPTION_RULES: Record<string, NumberOptionRule> = {
	maxConcurrency: { name: 'maxConcurrency', displayName: 'Max Concurrent Requests', fallback: 5, min: 1, max: 50, integer: true },
	maxRequestsPerSecond: {
		name: 'maxRequestsPerSecond',
		displayName: 'Max Requests per Second',
		fallback: 0,
		min: 0,
		max: 1000,
		integer: false,
	},
	timeout: { name: 'timeout', displayName: 'Request Timeout', fallback: 10_000, min: 1000, max: 300_000, integer: true },
	retries: { name: 'retries', displayName: 'Retries', fallback: 2, min: 0, max: 10, integer: true },
	retryDelay: { name: 'retryDelay', displayName: 'Retry Delay', fallback: 500, min: 0, max: 60_000, integer: true },
};

/** Reads a numeric option, rejecting what is not a number within the option's bounds. */
function readNumberOption(node: INode, options: IDataObject, rule: NumberOptionRule): number {
	const raw = options[rule.name];
	if (raw === undefined || raw === null || raw === '') {
		return rule.fallback;
	}
	const value = typeof raw === 'number' ? raw : Number(String(raw).trim());
	const valid = Number.isFinite(value) && value >= rule.min && value <= rule.max && (!rule.integer || Number.isInteger(value));
	if (!valid) {
		const kind = rule.integer ? 'a whole number' : 'a number';
		throw new NodeOperationError(
			node,
			`${rule.displayName} must be ${kind} from ${rule.min} to ${rule.max}, but it is ${quoteValue(raw)}`,
			{ description: `Set ${rule.displayName} to a value such as ${rule.fallback}, or remove the option to use that default.` },
		);
	}
	return value;
}

/** Reads the request options, which apply to the whole execution and so come from the first item. */
export function readRequestSettings(this: IExecuteFunctions): {
	concurrency: number;
	settings: Omit<RequestSettings, 'limiter' | 'secrets'>;
	maxRequestsPerSecond: number;
} {
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const node = this.getNode();
	const read = (name: string) => readNumberOption(node, options, REQUEST_OPTION_RULES[name]);
	return {
		concurrency: read('maxConcurrency'),
		maxRequestsPerSecond: read('maxRequestsPerSecond'),
		settings: { timeoutMs: read('timeout'), retries: read('retries'), retryDelayMs: read('retryDelay') },
	};
}

/**
 * Reads an options-type value, rejecting one outside its list: an expression
 * can produce any string, and a silent fallback would hide the mistake.
 */
export function readChoice(
	this: IExecuteFunctions,
	value: unknown,
	displayName: string,
	allowed: readonly string[],
	fallback: string,
	itemIndex: number,
): string {
	if (value === undefined || value === null) {
		return fallback;
	}
	const text = String(value);
	if (!allowed.includes(text)) {
		const listed = allowed.map((entry) => (entry === '' ? '"" (none)' : entry)).join(', ');
		throw new NodeOperationError(this.getNode(), `${displayName} ${quoteValue(text)} is not one of its values`, {
			itemIndex,
			description: `Use one of: ${listed}.`,
		});
	}
	return text;
}

/** Reads the Options collection of an item. */
export function readOptions(this: IExecuteFunctions, itemIndex: number): IDataObject {
	return this.getNodeParameter('options', itemIndex, {}) as IDataObject;
}
