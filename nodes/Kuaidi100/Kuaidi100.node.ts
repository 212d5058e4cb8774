import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import * as detect from './actions/carrier/detect.operation';
import type { OperationContext, OperationExecute } from './actions/common';
import { readRequestSettings } from './actions/common';
import * as subscribe from './actions/tracking/subscribe.operation';
import * as track from './actions/tracking/track.operation';
import { mapWithConcurrency } from './helpers/batch';
import { searchCarriers } from './methods/listSearch';
import { credentialSecrets } from './transport';
import { RateLimiter } from './transport/rateLimiter';

const OPERATIONS: Record<string, OperationExecute> = {
	'tracking.track': track.execute,
	'tracking.subscribe': subscribe.execute,
	'carrier.detect': detect.execute,
};

type ItemResult = { items: INodeExecutionData[] } | { error: Error };

export class Kuaidi100 implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Kuaidi100',
		name: 'kuaidi100',
		icon: { light: 'file:../../icons/kuaidi100.svg', dark: 'file:../../icons/kuaidi100.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Track Chinese parcels with Kuaidi100 (快递100): real-time query, carrier detection and push subscriptions',
		defaults: { name: 'Kuaidi100' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'kuaidi100Api', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Carrier', value: 'carrier' },
					{ name: 'Tracking', value: 'tracking' },
				],
				default: 'tracking',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['tracking'] } },
				options: [
					{
						name: 'Subscribe',
						value: 'subscribe',
						description:
							'Ask Kuaidi100 to push every change of a waybill to a callback URL, such as a Kuaidi100 Trigger',
						action: 'Subscribe to push updates for a waybill',
					},
					{
						name: 'Track',
						value: 'track',
						description:
							'Get the tracking events and current status of a waybill from its carrier code and number',
						action: 'Track a waybill',
					},
				],
				default: 'track',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['carrier'] } },
				options: [
					{
						name: 'Detect',
						value: 'detect',
						description: 'Find which carriers may have issued a tracking number, most likely first',
						action: 'Detect the carrier of a tracking number',
					},
				],
				default: 'detect',
			},
			...track.description,
			...subscribe.description,
			...detect.description,
		],
	};

	methods = {
		listSearch: { searchCarriers },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const resource = this.getNodeParameter('resource', 0) as string;
		const operation = this.getNodeParameter('operation', 0) as string;
		const run = OPERATIONS[`${resource}.${operation}`];
		if (run === undefined) {
			throw new NodeOperationError(this.getNode(), `The operation “${operation}” of resource “${resource}” is not supported`);
		}

		const { concurrency, maxRequestsPerSecond, settings } = readRequestSettings.call(this);
		// Read once to mask the credential's values in anything a server echoes back.
		const secrets = credentialSecrets(await this.getCredentials('kuaidi100Api'));
		const context: OperationContext = {
			settings: { ...settings, limiter: new RateLimiter(maxRequestsPerSecond, concurrency), secrets },
		};
		const continueOnFail = this.continueOnFail();
		let failed = false;

		const results = await mapWithConcurrency<ItemResult>(
			items.length,
			concurrency,
			async (itemIndex) => {
				try {
					const json = await run.call(this, itemIndex, context);
					return { items: json.map((entry) => ({ json: entry, pairedItem: { item: itemIndex } })) };
				} catch (error) {
					failed = !continueOnFail;
					return { error: error as Error };
				}
			},
			() => failed,
		);

		// Output follows input order whatever order the responses arrived in.
		const output: INodeExecutionData[] = [];
		for (let itemIndex = 0; itemIndex < results.length; itemIndex++) {
			const result = results[itemIndex];
			if (result === undefined) {
				continue;
			}
			if ('items' in result) {
				output.push(...result.items);
				continue;
			}
			if (!continueOnFail) {
				throw withItemIndex(this, result.error, itemIndex);
			}
			output.push(errorItem(this, result.error, itemIndex));
		}
		return [output];
	}
}

function withItemIndex(context: IExecuteFunctions, error: Error, itemIndex: number): Error {
	if (error instanceof NodeOperationError || 'context' in error) {
		const nodeError = error as NodeOperationError;
		nodeError.context = { ...nodeError.context, itemIndex };
		return nodeError;
	}
	return new NodeOperationError(context.getNode(), error, { itemIndex });
}

/**
 * Builds the Continue On Fail item of a failed input item. n8n-core 2.41 replaces the JSON of
 * any item that carries `error` with `{ error }`, and routes an item without `error` to the
 * error output only when its JSON keys are among error, message and details. So the item
 * carries no `error` and keeps the hint and Kuaidi100's response under `details`.
 */
function errorItem(context: IExecuteFunctions, error: Error, itemIndex: number): INodeExecutionData {
	const nodeError = withItemIndex(context, error, itemIndex) as NodeOperationError;
	const errorContext = nodeError.context ?? {};
	return {
		json: {
			error: nodeError.message,
			details: {
				description: nodeError.description ?? null,
				returnCode: (errorContext.returnCode as string | undefined) ?? null,
				kuaidi100Message: (errorContext.kuaidi100Message as string | undefined) ?? null,
			},
		},
		pairedItem: { item: itemIndex },
	};
}
