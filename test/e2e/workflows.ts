/**
 * Credentials and workflows that the end-to-end run and `npm run dev` import into n8n. They use
 * the node types and parameter names a user would see in the editor.
 */
import type { CredentialImport, NodeTypeDescription, WorkflowImport, WorkflowNode } from './n8n';

export const PACKAGE_NAME = 'n8n-nodes-kuaidi100';
export const NODE_TYPE = `${PACKAGE_NAME}.kuaidi100`;
export const TRIGGER_TYPE = `${PACKAGE_NAME}.kuaidi100Trigger`;
/** n8n adds this variant of every node with `usableAsTool` for the AI Agent. */
export const TOOL_TYPE = `${PACKAGE_NAME}.kuaidi100Tool`;
export const CREDENTIAL_TYPE = 'kuaidi100Api';

export const CREDENTIAL_ID = 'kd100E2eCred001';
export const CREDENTIAL_NAME = 'Kuaidi100 sandbox';

export const TRACK_WORKFLOW_ID = 'kd100E2eTrack01';
export const SUBSCRIBE_WORKFLOW_ID = 'kd100E2eSubscr1';
export const TRIGGER_WORKFLOW_ID = 'kd100E2ePush001';
/** Fixed so the production webhook URL is known before n8n starts. */
export const TRIGGER_WEBHOOK_ID = 'b6f7a3c2-6a1e-4c55-9d0e-1f2a3b4c5d6e';

export interface AccountSecrets {
	customer: string;
	key: string;
	salt: string;
}

/** Builds a `kuaidi100Api` credential that sends all requests to `baseUrl` (the sandbox). */
export function sandboxCredential(account: AccountSecrets, baseUrl: string): CredentialImport {
	return {
		id: CREDENTIAL_ID,
		name: CREDENTIAL_NAME,
		type: CREDENTIAL_TYPE,
		data: { customer: account.customer, key: account.key, salt: account.salt, baseUrl },
	};
}

const credentialRef = { [CREDENTIAL_TYPE]: { id: CREDENTIAL_ID, name: CREDENTIAL_NAME } };

function connect(from: string, to: string): Record<string, unknown> {
	return { [from]: { main: [[{ node: to, type: 'main', index: 0 }]] } };
}

export interface TrackWorkflowOptions {
	carrier: string;
	trackingNumber: string;
	/** Value of the Result Detail option (Kuaidi100's resultv2); '4' adds advanced status codes and areas. */
	resultDetail?: string;
}

/** Manual Trigger → Kuaidi100 (Tracking: Track), run with `n8n execute`. */
export function trackWorkflow(options: TrackWorkflowOptions, id = TRACK_WORKFLOW_ID): WorkflowImport {
	const nodes: WorkflowNode[] = [
		{
			id: 'e2e-track-start',
			name: 'Start',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		{
			id: 'e2e-track-kuaidi100',
			name: 'Kuaidi100',
			type: NODE_TYPE,
			typeVersion: 1,
			position: [220, 0],
			parameters: {
				resource: 'tracking',
				operation: 'track',
				carrier: { __rl: true, mode: 'code', value: options.carrier },
				trackingNumber: options.trackingNumber,
				output: 'events',
				options: options.resultDetail === undefined ? {} : { resultDetail: options.resultDetail },
			},
			credentials: credentialRef,
		},
	];
	return { id, name: 'E2E: track a waybill', nodes, connections: connect('Start', 'Kuaidi100'), settings: {} };
}

export interface SubscribeWorkflowOptions {
	carrier: string;
	trackingNumber: string;
	/** Where Kuaidi100 pushes: the production URL of a Kuaidi100 Trigger. */
	callbackUrl: string;
	resultDetail?: string;
}

/** Manual Trigger → Kuaidi100 (Tracking: Subscribe). */
export function subscribeWorkflow(options: SubscribeWorkflowOptions, id = SUBSCRIBE_WORKFLOW_ID): WorkflowImport {
	const workflow = trackWorkflow(options, id);
	workflow.name = 'E2E: subscribe a waybill to push updates';
	workflow.nodes[1].parameters = {
		resource: 'tracking',
		operation: 'subscribe',
		carrier: { __rl: true, mode: 'code', value: options.carrier },
		trackingNumber: options.trackingNumber,
		callbackUrl: options.callbackUrl,
		options: options.resultDetail === undefined ? {} : { resultDetail: options.resultDetail },
	};
	return workflow;
}

export interface TriggerWorkflowOptions {
	/** Parameters of the Kuaidi100 Trigger node. */
	parameters: Record<string, unknown>;
}

/**
 * Kuaidi100 Trigger → No Operation. The No Operation node makes the trigger's items visible as
 * a node output of its own in the saved execution.
 */
export function triggerWorkflow(options: TriggerWorkflowOptions, id = TRIGGER_WORKFLOW_ID): WorkflowImport {
	const nodes: WorkflowNode[] = [
		{
			id: 'e2e-push-trigger',
			name: 'Kuaidi100 Trigger',
			type: TRIGGER_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters: options.parameters,
			credentials: credentialRef,
			webhookId: TRIGGER_WEBHOOK_ID,
		},
		{
			id: 'e2e-push-received',
			name: 'Received',
			type: 'n8n-nodes-base.noOp',
			typeVersion: 1,
			position: [220, 0],
			parameters: {},
		},
	];
	return { id, name: 'E2E: receive Kuaidi100 pushes', nodes, connections: connect('Kuaidi100 Trigger', 'Received'), settings: {} };
}

/** Parameters for the trigger node: its defaults, plus a recognisable path if it has a path parameter. */
export function triggerParameters(description: NodeTypeDescription | undefined): Record<string, unknown> {
	const parameters: Record<string, unknown> = {};
	if (description?.properties?.some((property) => property.name === 'path')) {
		parameters.path = 'kuaidi100-e2e';
	}
	return parameters;
}

/**
 * Builds the production URL that n8n registers for the first webhook of a trigger, as n8n does:
 * `webhook/<webhookId>/<path>`, or `webhook/<path>` when the description sets isFullPath. A path
 * given as an expression may only read one parameter (`$parameter["name"]`).
 */
export function productionWebhookUrl(
	baseUrl: string,
	description: NodeTypeDescription,
	parameters: Record<string, unknown>,
	webhookId = TRIGGER_WEBHOOK_ID,
): string {
	const webhook = (description.webhooks?.[0] ?? {}) as { path?: string; isFullPath?: boolean | string };
	const resolveParameter = (value: unknown): unknown => {
		if (typeof value !== 'string' || !value.startsWith('=')) return value;
		const match = /\$parameter(?:\[["'](\w+)["']\]|\.(\w+))/.exec(value);
		if (match === null) throw new Error(`Cannot resolve the webhook expression ${value}`);
		const name = match[1] ?? match[2];
		const property = description.properties?.find((candidate) => candidate.name === name);
		return parameters[name] ?? property?.default;
	};
	const path = String(resolveParameter(webhook.path) ?? '');
	const isFullPath = resolveParameter(webhook.isFullPath) === true;
	const suffix = isFullPath ? path || webhookId : `${webhookId}/${path}`;
	return `${baseUrl}/webhook/${suffix.replace(/^\/+/, '')}`;
}
