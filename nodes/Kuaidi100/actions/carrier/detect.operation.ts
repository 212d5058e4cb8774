import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { Carrier } from '../../helpers/carriers';
import { getCarrier } from '../../helpers/carriers';
import { failureError } from '../../helpers/errors';
import { normaliseTrackingNumber } from '../../helpers/validate';
import { callKuaidi100 } from '../../transport';
import type { RequestSettings } from '../../transport';
import type { OperationContext } from '../common';
import { requestOptions, trackingNumberProperty } from '../common';

/** One carrier that detection proposed, with the detector's own data. */
export interface DetectedCarrier {
	carrier: Carrier;
	/** Position in Kuaidi100's candidate list, 1 = most likely. */
	rank: number;
	lengthPre: number | null;
}

const properties: INodeProperties[] = [
	{
		displayName:
			'Carrier detection (智能单号识别) is only enabled for Kuaidi100 accounts with a paid query or subscription package',
		name: 'detectNotice',
		type: 'notice',
		default: '',
	},
	trackingNumberProperty,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: requestOptions,
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['carrier'], operation: ['detect'] } },
	properties,
);

/** Turns one detection candidate into a carrier, keeping codes the bundled table does not know yet. */
function candidateCarrier(entry: IDataObject): Carrier | undefined {
	const code = typeof entry.comCode === 'string' ? entry.comCode.trim().toLowerCase() : '';
	if (code === '') {
		return undefined;
	}
	return (
		getCarrier(code) ?? {
			code,
			nameZh: typeof entry.name === 'string' ? entry.name : code,
			nameEn: null,
			type: 'domestic',
			rank: Number.MAX_SAFE_INTEGER,
		}
	);
}

/**
 * Asks Kuaidi100 which carriers may have issued a number, best match first.
 * An empty list means the number was not recognised.
 */
export async function detectCarriers(
	this: IExecuteFunctions,
	trackingNumber: string,
	settings: RequestSettings,
	itemIndex: number,
): Promise<DetectedCarrier[]> {
	const response = await callKuaidi100(this, 'detect', { qs: { num: trackingNumber } }, settings, itemIndex);
	if (!response.ok) {
		throw failureError(this.getNode(), 'detect', response.failure, itemIndex);
	}

	// The transport accepts only an array as a detection success.
	const detected: DetectedCarrier[] = [];
	for (const entry of response.body as unknown[]) {
		if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
			continue;
		}
		const carrier = candidateCarrier(entry as IDataObject);
		if (carrier && !detected.some((known) => known.carrier.code === carrier.code)) {
			detected.push({ carrier, rank: detected.length + 1, lengthPre: lengthPreOf((entry as IDataObject).lengthPre) });
		}
	}
	return detected;
}

/** Reads `lengthPre`, a number in Kuaidi100's documentation and a string in its Java SDK. */
function lengthPreOf(value: unknown): number | null {
	const length = typeof value === 'number' || (typeof value === 'string' && value.trim() !== '') ? Number(value) : NaN;
	return Number.isFinite(length) ? length : null;
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	{ settings }: OperationContext,
): Promise<IDataObject[]> {
	const trackingNumber = normaliseTrackingNumber(
		this.getNode(),
		this.getNodeParameter('trackingNumber', itemIndex),
		itemIndex,
	);

	const detected = await detectCarriers.call(this, trackingNumber, settings, itemIndex);

	const best = detected[0]?.carrier;
	return [
		{
			trackingNumber,
			recognised: detected.length > 0,
			carrierCode: best?.code ?? null,
			carrierName: best?.nameZh ?? null,
			carrierNameEn: best?.nameEn ?? null,
			candidates: detected.map(({ carrier, rank, lengthPre }) => ({
				rank,
				code: carrier.code,
				name: carrier.nameZh,
				nameEn: carrier.nameEn,
				lengthPre,
			})),
		},
	];
}
