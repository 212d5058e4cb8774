import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { callbackUrlWarnings } from '../../helpers/callbackUrl';
import { failureError } from '../../helpers/errors';
import {
	assertDestinationForEstimate,
	assertPhoneIfRequired,
	normalisePhone,
	normaliseTrackingNumber,
	quoteValue,
} from '../../helpers/validate';
import { callKuaidi100 } from '../../transport';
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

/** Return code Kuaidi100 sends when the number is still being tracked from an earlier subscription. */
const ALREADY_SUBSCRIBED_CODE = '501';

const properties: INodeProperties[] = [
	{
		displayName:
			'Kuaidi100 pushes every change of the waybill to the callback URL. Use the production URL of a Kuaidi100 Trigger in an active workflow. The Push Salt of the credential is sent along, so the trigger can verify pushes. Kuaidi100 accepts at most 4 subscriptions per number and carrier each month.',
		name: 'subscribeNotice',
		type: 'notice',
		default: '',
	},
	carrierLocator(
		'The carrier that issued the number: a Kuaidi100 code such as yuantong, an alias or name such as SF or 顺丰, or auto to let Kuaidi100 identify it when it starts tracking (autoCom)',
	),
	trackingNumberProperty,
	{
		displayName: 'Callback URL',
		name: 'callbackUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. https://n8n.example.com/webhook/kuaidi100',
		description:
			'Where Kuaidi100 sends the pushes: the Production URL of a Kuaidi100 Trigger node. You may append your own query string, such as ?orderId=123.',
	},
	phoneProperty,
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
				displayName: 'Departure Carrier',
				name: 'departureCom',
				type: 'string',
				default: '',
				placeholder: 'e.g. ems',
				description: 'Carrier code in the origin country, for International Mode (departureCom)',
			},
			{
				displayName: 'Departure Country',
				name: 'departureCountry',
				type: 'string',
				default: '',
				placeholder: 'e.g. CN',
				description: 'Origin country code, for International Mode (departureCountry)',
			},
			{
				displayName: 'Destination Carrier',
				name: 'destinationCom',
				type: 'string',
				default: '',
				placeholder: 'e.g. japanposten',
				description: 'Carrier code in the destination country, for International Mode (destinationCom)',
			},
			{
				displayName: 'Destination Country',
				name: 'destinationCountry',
				type: 'string',
				default: '',
				placeholder: 'e.g. JP',
				description: 'Destination country code, for International Mode (destinationCountry)',
			},
			{
				displayName: 'International Mode',
				name: 'interCom',
				type: 'boolean',
				default: false,
				description:
					'Whether to track an international postal parcel in both countries (interCom). Pushes then carry the destination country’s result as well.',
			},
			{
				displayName: 'When Already Subscribed',
				name: 'whenAlreadySubscribed',
				type: 'options',
				default: 'succeed',
				description: 'What to do when Kuaidi100 reports that the number is already subscribed (returnCode 501)',
				options: [
					{
						name: 'Succeed',
						value: 'succeed',
						description: 'Output the item with alreadySubscribed set, so a retried workflow does not fail',
					},
					{ name: 'Fail', value: 'error', description: 'Treat it as an error of this item' },
				],
			},
		]),
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['tracking'], operation: ['subscribe'] } },
	properties,
);

function parseCallbackUrl(this: IExecuteFunctions, raw: unknown, itemIndex: number): URL {
	const value = String(raw ?? '').trim();
	let url: URL | undefined;
	try {
		url = new URL(value);
	} catch {
		url = undefined;
	}
	if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
		throw new NodeOperationError(this.getNode(), `Callback URL ${quoteValue(value)} is not an http or https URL`, {
			itemIndex,
			description: 'Copy the Production URL of a Kuaidi100 Trigger node, for example https://n8n.example.com/webhook/kuaidi100.',
		});
	}
	return url;
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	{ settings }: OperationContext,
): Promise<IDataObject[]> {
	const node = this.getNode();
	const carrierChoice = readCarrier.call(this, itemIndex);
	const trackingNumber = normaliseTrackingNumber(node, this.getNodeParameter('trackingNumber', itemIndex), itemIndex);
	const callbackUrl = parseCallbackUrl.call(this, this.getNodeParameter('callbackUrl', itemIndex), itemIndex);
	const phone = normalisePhone(this.getNodeParameter('phone', itemIndex, ''));
	const options = readOptions.call(this, itemIndex);
	const text = (name: string) => String(options[name] ?? '').trim();
	const resultDetail = readChoice.call(this, options.resultDetail, 'Result Detail', RESULT_DETAILS, '', itemIndex);
	const whenAlreadySubscribed = readChoice.call(
		this,
		options.whenAlreadySubscribed,
		'When Already Subscribed',
		['succeed', 'error'],
		'succeed',
		itemIndex,
	);

	if (carrierChoice !== AUTO_DETECT) {
		assertPhoneIfRequired(node, carrierChoice, phone, itemIndex);
	}
	assertDestinationForEstimate(node, resultDetail, text('to'), itemIndex);
	const warnings = callbackUrlWarnings(callbackUrl);
	for (const warning of warnings) {
		this.logger.warn(warning, { itemIndex });
	}
	// Hints appear in the editor's output panel, where a user testing the node looks.
	this.addExecutionHints(...warnings.map((message) => ({ message, type: 'warning' as const, location: 'outputPane' as const })));

	// One place maps the node's names to Kuaidi100's keys; the credential adds `key` and `parameters.salt`.
	const parameters: Record<string, string> = { callbackurl: callbackUrl.href };
	if (carrierChoice === AUTO_DETECT) parameters.autoCom = '1';
	if (phone) parameters.phone = phone;
	if (resultDetail) parameters.resultv2 = resultDetail;
	if (options.interCom === true) parameters.interCom = '1';
	for (const name of ['departureCountry', 'departureCom', 'destinationCountry', 'destinationCom']) {
		if (text(name)) parameters[name] = text(name);
	}
	const param: IDataObject = {
		// Kuaidi100 requires an empty company when it detects the carrier itself.
		company: carrierChoice === AUTO_DETECT ? '' : carrierChoice.code,
		number: trackingNumber,
		parameters,
	};
	if (text('from')) param.from = text('from');
	if (text('to')) param.to = text('to');

	const response = await callKuaidi100(this, 'subscribe', { form: { param: JSON.stringify(param) } }, settings, itemIndex);

	const alreadySubscribed = !response.ok && response.failure.returnCode === ALREADY_SUBSCRIBED_CODE;
	if (!response.ok && !(alreadySubscribed && whenAlreadySubscribed !== 'error')) {
		throw failureError(node, 'subscribe', response.failure, itemIndex);
	}
	const body = response.ok ? (response.body as IDataObject) : response.failure;
	return [
		{
			trackingNumber,
			carrierCode: carrierChoice === AUTO_DETECT ? null : carrierChoice.code,
			carrierDetection: carrierChoice === AUTO_DETECT ? 'kuaidi100' : null,
			subscribed: true,
			alreadySubscribed,
			returnCode: String(body.returnCode ?? '200'),
			message: typeof body.message === 'string' ? body.message : null,
			callbackUrl: callbackUrl.href,
			warnings,
		},
	];
}
