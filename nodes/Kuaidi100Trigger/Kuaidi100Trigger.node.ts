import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { callbackUrlWarnings } from '../Kuaidi100/helpers/callbackUrl';
import { EventMemory, MAX_EVENTS_PER_WAYBILL, MAX_MEMORY_BYTES, MAX_WAYBILLS } from './helpers/eventMemory';
import type { PushOutput } from './helpers/items';
import { PUSH_OUTPUTS, buildPushItems, isPushOutput } from './helpers/items';
import {
	CONFIGURATION_ERROR_REPLY,
	PUSH_ACKNOWLEDGEMENT,
	checkPush,
	readPushFields,
	rejectionReply,
	trackingNumberOf,
} from './helpers/push';

/** Static-data key of the registration records, one per webhook mode. */
const REGISTRATIONS_KEY = 'registrations';

/** Static-data key of the Only New Events memory. */
const EVENT_MEMORY_KEY = 'eventMemory';

type RegistrationMode = 'production' | 'test';

/** Record that `create` keeps, because Kuaidi100 itself has no callback to register or list. */
interface Registration {
	webhookUrl: string;
	activatedAt: string;
}

function registrationMode(context: IHookFunctions): RegistrationMode {
	return context.getMode() === 'manual' ? 'test' : 'production';
}

function readRegistrations(staticData: IDataObject): Partial<Record<RegistrationMode, Registration>> {
	const stored = staticData[REGISTRATIONS_KEY];
	return typeof stored === 'object' && stored !== null ? (stored as Partial<Record<RegistrationMode, Registration>>) : {};
}

function webhookUrlOf(context: IHookFunctions): string {
	const url = context.getNodeWebhookUrl('default');
	if (url === undefined) {
		throw new NodeOperationError(context.getNode(), 'n8n returned no URL for the Kuaidi100 Trigger webhook');
	}
	return url;
}

export class Kuaidi100Trigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Kuaidi100 Trigger',
		name: 'kuaidi100Trigger',
		icon: { light: 'file:../../icons/kuaidi100.svg', dark: 'file:../../icons/kuaidi100.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ $parameter["output"] === "push" ? "One item per push" : "One item per event" }}',
		description: 'Starts the workflow when Kuaidi100 (快递100) pushes a tracking update for a subscribed waybill',
		defaults: { name: 'Kuaidi100 Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'kuaidi100Api', required: true }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'kuaidi100',
			},
		],
		properties: [
			{
				displayName:
					'Kuaidi100 pushes only waybills that were subscribed with the Kuaidi100 node’s Subscribe operation, using this trigger’s Production URL as the callback URL, and only while this workflow is active. The Push Salt of this trigger’s credential must be the one sent at subscription, or pushes are rejected. Each push is acknowledged at once; a push that is not acknowledged is sent again 3 times, about 35 minutes apart.',
				name: 'pushNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Output',
				name: 'output',
				type: 'options',
				default: 'events',
				options: [
					{
						name: 'One Item per Event',
						value: 'events',
						description:
							'Each tracking event becomes an item carrying the waybill’s status and the monitor status of the push',
					},
					{
						name: 'One Item per Push',
						value: 'push',
						description:
							'The latest status on top, all events as an array and, for international mode, the destination country’s result',
					},
				],
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Only New Events',
						name: 'onlyNewEvents',
						type: 'boolean',
						default: false,
						description: `Whether to emit only events not emitted before for the same carrier and number. A push that repeats known events starts no workflow, unless it ends monitoring. Remembers up to ${MAX_EVENTS_PER_WAYBILL} events for each of the ${MAX_WAYBILLS} waybills pushed most recently, in at most ${Math.ceil(MAX_MEMORY_BYTES / 1000)} kB of the workflow’s static data.`,
					},
				],
			},
		],
	};

	webhookMethods = {
		default: {
			/**
			 * Reports whether this URL was recorded as active. Kuaidi100 has no API
			 * to list callbacks: each subscription carries its own callback URL.
			 */
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const registration = readRegistrations(this.getWorkflowStaticData('node'))[registrationMode(this)];
				return registration?.webhookUrl === webhookUrlOf(this);
			},

			/** Records the URL and the activation time, and logs why Kuaidi100 might not reach the URL. */
			async create(this: IHookFunctions): Promise<boolean> {
				const webhookUrl = webhookUrlOf(this);
				const mode = registrationMode(this);
				const staticData = this.getWorkflowStaticData('node');

				if (mode === 'production') {
					for (const warning of callbackUrlWarnings(new URL(webhookUrl))) {
						this.logger.warn(`Kuaidi100 Trigger: ${warning}`, { node: this.getNode().name });
					}
				}
				const credentials = await this.getCredentials('kuaidi100Api');
				if (typeof credentials.salt !== 'string' || credentials.salt === '') {
					this.logger.warn(
						'Kuaidi100 Trigger: the credential has no Push Salt, so pushes cannot be verified and anyone who knows the URL can start the workflow',
						{ node: this.getNode().name },
					);
				}

				const registration: Registration = { webhookUrl, activatedAt: new Date().toISOString() };
				staticData[REGISTRATIONS_KEY] = { ...readRegistrations(staticData), [mode]: registration };
				return true;
			},

			/**
			 * Removes the record. The Only New Events memory stays, so that
			 * reactivating the workflow does not emit known events again.
			 */
			async delete(this: IHookFunctions): Promise<boolean> {
				const staticData = this.getWorkflowStaticData('node');
				const { [registrationMode(this)]: _removed, ...remaining } = readRegistrations(staticData);
				staticData[REGISTRATIONS_KEY] = remaining;
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const credentials = await this.getCredentials('kuaidi100Api');
		const salt = typeof credentials.salt === 'string' ? credentials.salt : '';
		const fields = readPushFields(this.getBodyData(), this.getRequestObject().rawBody);

		const check = checkPush(fields, salt);
		if (!check.accepted) {
			// The reason and the tracking number only: never the salt, the sign or the signed text.
			this.logger.warn(`Kuaidi100 Trigger rejected a push: ${check.reason}`, {
				reason: check.reason,
				trackingNumber: check.trackingNumber,
				node: this.getNode().name,
				workflowId: this.getWorkflow().id,
			});
			return reply(this, rejectionReply(check.reason));
		}

		// Read after the push is verified, so that forged requests log no configuration errors.
		const output = readOutput(this);
		if (typeof output !== 'string') {
			this.logger.error(
				`Kuaidi100 Trigger could not process a push: ${output.problem}. Correct the parameter. Kuaidi100 retries the push 3 times about 35 minutes apart.`,
				{ trackingNumber: trackingNumberOf(check.push), node: this.getNode().name, workflowId: this.getWorkflow().id },
			);
			return reply(this, CONFIGURATION_ERROR_REPLY);
		}
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const staticData = this.getWorkflowStaticData('node');
		// NOTE: two pushes handled at the same moment each save their own copy, so one copy's additions can be lost.
		const memory = options.onlyNewEvents === true ? new EventMemory(staticData[EVENT_MEMORY_KEY]) : undefined;

		const items = buildPushItems(check.push, {
			output,
			memory,
			callbackQuery: { ...(this.getQueryData() as IDataObject) },
		});
		if (memory !== undefined) {
			// Assigning a new object marks the static data as changed, so n8n saves it.
			staticData[EVENT_MEMORY_KEY] = memory.toState() as unknown as IDataObject;
		}

		if (items.length === 0) {
			this.logger.debug('Kuaidi100 Trigger: the push repeats events emitted before, so no workflow starts', {
				node: this.getNode().name,
			});
			return reply(this, PUSH_ACKNOWLEDGEMENT);
		}
		return { ...reply(this, PUSH_ACKNOWLEDGEMENT), workflowData: [this.helpers.returnJsonArray(items)] };
	}
}

/**
 * Reads the Output parameter, or describes why it is invalid. The value is
 * checked here because `noDataExpression` would only hide the expression
 * editor, and an imported workflow may hold any value. A push that meets an
 * invalid value is not acknowledged, so Kuaidi100 sends it again later instead
 * of the node guessing an output.
 */
function readOutput(context: IWebhookFunctions): PushOutput | { problem: string } {
	const validValues = PUSH_OUTPUTS.map((value) => JSON.stringify(value)).join(' or ');
	let value: unknown;
	try {
		value = context.getNodeParameter('output', 'events');
	} catch (error) {
		return { problem: `the parameter Output (output) failed to resolve: ${(error as Error).message}. Valid values: ${validValues}` };
	}
	if (isPushOutput(value)) {
		return value;
	}
	return { problem: `invalid value ${JSON.stringify(value)} of the parameter Output (output). Valid values: ${validValues}` };
}

/**
 * Sends the reply to a push before n8n starts the workflow, in the exact JSON
 * Kuaidi100 expects. Returning the body as webhookResponse instead fails in
 * n8n 2.41 once a workflow starts. n8n then sends the webhook's responseData
 * (by default the text 'firstEntryJson') in its place. It also saves the
 * node's static data only after building the run, which resets the change
 * flag, so the Only New Events memory would be lost.
 */
function reply(context: IWebhookFunctions, body: IDataObject): IWebhookResponseData {
	context.getResponseObject().status(200).json(body);
	return { noWebhookResponse: true };
}
