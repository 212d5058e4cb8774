import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { Carrier } from '../../helpers/carriers';
import { PHONE_REQUIRED_CARRIERS } from '../../helpers/carriers';
import { failureError, isLockedNumberFailure } from '../../helpers/errors';
import type { EventOrder, WaybillContext } from '../../helpers/output';
import { buildEventItems, buildNoInformationItem, buildShipmentItem } from '../../helpers/output';
import {
	assertDestinationForEstimate,
	assertPhoneIfRequired,
	normalisePhone,
	normaliseTrackingNumber,
} from '../../helpers/validate';
import { callKuaidi100 } from '../../transport';
import type { Kuaidi100Response, RequestSettings } from '../../transport';
import { detectCarriers } from '../carrier/detect.operation';
import type { OperationContext } from '../common';
import {
	AUTO_DETECT,
	carrierLocator,
	fromOption,
	phoneProperty,
	RESULT_DETAILS,
	readCarrier,
	readChoice,
	readOptions,
	resultDetailOption,
	toOption,
	withRequestOptions,
	trackingNumberProperty,
} from '../common';

/** How many detected carriers Track queries at most before it reports "no result". */
export const MAX_CANDIDATES_TRIED = 3;

/** Kuaidi100's return code for a number without scans, or one queried with the wrong carrier. */
const NO_RESULT_CODE = '500';

const properties: INodeProperties[] = [
	{
		displayName:
			'Kuaidi100 locks a number for 24 hours after 48 queries within 24 hours. Query each number at most every 30 minutes (hourly is recommended), or use Subscribe with a Kuaidi100 Trigger to receive changes instead of polling.',
		name: 'pollingNotice',
		type: 'notice',
		default: '',
	},
	carrierLocator(
		'The carrier that issued the number: a Kuaidi100 code such as yuantong, an alias or name such as SF or 顺丰, or auto to detect it with Kuaidi100’s number recognition (paid Kuaidi100 packages only)',
	),
	trackingNumberProperty,
	phoneProperty,
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		default: 'events',
		options: [
			{
				name: 'One Item per Event',
				value: 'events',
				description: 'Each tracking event becomes an item carrying the waybill’s status',
			},
			{
				name: 'One Item per Tracking Number',
				value: 'shipment',
				description: 'The latest status on top and all events as an array',
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: withRequestOptions([
			fromOption,
			toOption,
			resultDetailOption,
			{
				displayName: 'Courier Info',
				name: 'courierInfo',
				type: 'boolean',
				default: false,
				description:
					'Whether Kuaidi100 extracts the pickup and delivery courier’s name and phone from the events (needCourierInfo). They appear in the courierInfo field of One Item per Tracking Number output.',
			},
			{
				displayName: 'Event Order',
				name: 'order',
				type: 'options',
				default: 'desc',
				options: [
					{ name: 'Newest First', value: 'desc' },
					{ name: 'Oldest First', value: 'asc' },
				],
			},
			{
				displayName: 'Language',
				name: 'lang',
				type: 'options',
				default: 'zh',
				description: 'Language of the event texts (lang)',
				options: [
					{ name: 'Chinese', value: 'zh' },
					{ name: 'English', value: 'en' },
				],
			},
			{
				displayName: 'When There Are No Events',
				name: 'whenNoEvents',
				type: 'options',
				default: 'outputItem',
				description:
					'What to do when Kuaidi100 has no scans for the number yet (an empty trace, or returnCode 500 “查询无结果”)',
				options: [
					{
						name: 'Output One Item',
						value: 'outputItem',
						description: 'Output an item with status no_information so the workflow can branch on it',
					},
					{ name: 'Fail', value: 'error', description: 'Treat it as an error of this item' },
					{ name: 'Output Nothing', value: 'outputNothing', description: 'Output no item for this number' },
				],
			},
			{
				displayName: 'Try Next Detected Carrier',
				name: 'tryNextCandidate',
				type: 'boolean',
				default: true,
				description: `Whether Auto-detect queries the next detected carrier (up to ${MAX_CANDIDATES_TRIED} in all) when the first has no result for the number`,
			},
		]),
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['tracking'], operation: ['track'] } },
	properties,
);

interface TrackRequest {
	trackingNumber: string;
	phone: string;
	from: string;
	to: string;
	resultDetail: string;
	order: EventOrder;
	lang: string;
	courierInfo: boolean;
}

/** Builds the `param` JSON in one place, mapping the node's names to Kuaidi100's keys. */
function queryParam(carrier: Carrier, request: TrackRequest): string {
	const param: Record<string, string> = { com: carrier.code, num: request.trackingNumber };
	if (request.phone) param.phone = request.phone;
	if (request.from) param.from = request.from;
	if (request.to) param.to = request.to;
	if (request.resultDetail) param.resultv2 = request.resultDetail;
	param.order = request.order;
	if (request.lang !== 'zh') param.lang = request.lang;
	// needCourierInfo is the one boolean in param; Kuaidi100 documents it as a JSON boolean.
	return JSON.stringify(request.courierInfo ? { ...param, needCourierInfo: true } : param);
}

function isNoResult(response: Kuaidi100Response): boolean {
	if (!response.ok) {
		// A locked number may come with returnCode 500 too, but it hides events that exist, so it
		// must fail instead of passing as "no scans yet".
		return response.failure.returnCode === NO_RESULT_CODE && !isLockedNumberFailure(response.failure);
	}
	const data = (response.body as IDataObject).data;
	return !Array.isArray(data) || data.length === 0;
}

async function queryCarrier(
	this: IExecuteFunctions,
	carrier: Carrier,
	request: TrackRequest,
	settings: RequestSettings,
	itemIndex: number,
): Promise<Kuaidi100Response> {
	const form = { param: queryParam(carrier, request) };
	return await callKuaidi100(this, 'query', { form }, settings, itemIndex);
}

type NoEventsBehaviour = 'outputItem' | 'error' | 'outputNothing';

interface TrackParameters {
	carrierChoice: Carrier | typeof AUTO_DETECT;
	request: TrackRequest;
	output: 'events' | 'shipment';
	whenNoEvents: NoEventsBehaviour;
	tryNextCandidate: boolean;
}

/** Reads and checks the item's parameters; nothing is sent before they pass. */
function readTrackParameters(this: IExecuteFunctions, itemIndex: number): TrackParameters {
	const node = this.getNode();
	const carrierChoice = readCarrier.call(this, itemIndex);
	const trackingNumber = normaliseTrackingNumber(node, this.getNodeParameter('trackingNumber', itemIndex), itemIndex);
	const phone = normalisePhone(this.getNodeParameter('phone', itemIndex, ''));
	const choice = (value: unknown, displayName: string, allowed: readonly string[], fallback: string) =>
		readChoice.call(this, value, displayName, allowed, fallback, itemIndex);
	const options = readOptions.call(this, itemIndex);

	const request: TrackRequest = {
		trackingNumber,
		phone,
		from: String(options.from ?? '').trim(),
		to: String(options.to ?? '').trim(),
		resultDetail: choice(options.resultDetail, 'Result Detail', RESULT_DETAILS, ''),
		order: choice(options.order, 'Event Order', ['desc', 'asc'], 'desc') as EventOrder,
		lang: choice(options.lang, 'Language', ['zh', 'en'], 'zh'),
		courierInfo: options.courierInfo === true,
	};
	assertDestinationForEstimate(node, request.resultDetail, request.to, itemIndex);

	return {
		carrierChoice,
		request,
		output: choice(this.getNodeParameter('output', itemIndex, 'events'), 'Output', ['events', 'shipment'], 'events') as
			| 'events'
			| 'shipment',
		whenNoEvents: choice(
			options.whenNoEvents,
			'When There Are No Events',
			['outputItem', 'error', 'outputNothing'],
			'outputItem',
		) as NoEventsBehaviour,
		tryNextCandidate: options.tryNextCandidate !== false,
	};
}

/**
 * Picks the carriers to query: the chosen one, or up to MAX_CANDIDATES_TRIED
 * detected ones. Without a phone, detected carriers that need one are
 * skipped, because Kuaidi100 returns nothing for them without it. Only when
 * all of them need one does the item fail, naming Phone.
 */
async function carriersToQuery(
	this: IExecuteFunctions,
	parameters: TrackParameters,
	settings: RequestSettings,
	itemIndex: number,
): Promise<{ carriers: Carrier[]; candidates: Carrier[] | null }> {
	const { carrierChoice, request } = parameters;
	if (carrierChoice !== AUTO_DETECT) {
		assertPhoneIfRequired(this.getNode(), carrierChoice, request.phone, itemIndex);
		return { carriers: [carrierChoice], candidates: null };
	}

	const detected = await detectCarriers.call(this, request.trackingNumber, settings, itemIndex);
	if (detected.length === 0) {
		throw new NodeOperationError(this.getNode(), `Kuaidi100 could not detect the carrier of “${request.trackingNumber}”`, {
			itemIndex,
			description: 'Select the carrier instead of Auto-detect, for example yuantong.',
		});
	}
	const candidates = detected.map((entry) => entry.carrier);
	const queryable = request.phone === '' ? candidates.filter((carrier) => !PHONE_REQUIRED_CARRIERS.has(carrier.code)) : candidates;
	// With no candidate left this fails naming Phone; with a phone it checks the phone's format.
	for (const carrier of queryable.length === 0 ? candidates.slice(0, 1) : queryable) {
		assertPhoneIfRequired(this.getNode(), carrier, request.phone, itemIndex);
	}
	if (queryable.length < candidates.length) {
		this.logger.debug('Skipped detected carriers that need a phone', {
			itemIndex,
			carrierCodes: candidates.filter((carrier) => !queryable.includes(carrier)).map((carrier) => carrier.code),
		});
	}
	return { carriers: queryable.slice(0, parameters.tryNextCandidate ? MAX_CANDIDATES_TRIED : 1), candidates };
}

/** Queries the carriers in turn until one has a result, or returns the first carrier's response if none has. */
async function queryUntilResult(
	this: IExecuteFunctions,
	carriers: Carrier[],
	request: TrackRequest,
	settings: RequestSettings,
	itemIndex: number,
): Promise<{ carrier: Carrier; response: Kuaidi100Response }> {
	const first = { carrier: carriers[0], response: await queryCarrier.call(this, carriers[0], request, settings, itemIndex) };
	if (!isNoResult(first.response)) {
		return first;
	}
	for (const next of carriers.slice(1)) {
		this.logger.debug('No result yet, trying the next detected carrier', { itemIndex, carrierCode: next.code });
		const response = await queryCarrier.call(this, next, request, settings, itemIndex);
		if (!isNoResult(response)) {
			return { carrier: next, response };
		}
	}
	return first;
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	{ settings }: OperationContext,
): Promise<IDataObject[]> {
	const parameters = readTrackParameters.call(this, itemIndex);
	const { request, output } = parameters;

	const { carriers, candidates } = await carriersToQuery.call(this, parameters, settings, itemIndex);
	const { carrier, response } = await queryUntilResult.call(this, carriers, request, settings, itemIndex);

	const waybill: WaybillContext = { carrier, trackingNumber: request.trackingNumber, candidates };
	if (isNoResult(response)) {
		const message = response.ok ? 'Kuaidi100 has no tracking events for this number yet' : response.failure.message;
		if (parameters.whenNoEvents === 'outputNothing') {
			return [];
		}
		if (parameters.whenNoEvents === 'error') {
			throw failureError(this.getNode(), 'query', { returnCode: NO_RESULT_CODE, message }, itemIndex);
		}
		return [buildNoInformationItem(waybill, message, output === 'shipment' ? 'shipment' : 'event')];
	}
	if (!response.ok) {
		throw failureError(this.getNode(), 'query', response.failure, itemIndex);
	}

	const body = response.body as IDataObject;
	return output === 'shipment'
		? [buildShipmentItem(body, waybill, request.order)]
		: buildEventItems(body, waybill, request.order);
}
