import { HookContext, WebhookContext } from 'n8n-core';
import type {
	ExecutionBaseError,
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestMethods,
	INode,
	INodeExecutionData,
	INodeParameters,
	IWebhookData,
	IWebhookDescription,
	IWebhookResponseData,
	IWorkflowExecuteAdditionalData,
	Workflow,
	WorkflowActivateMode,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { NodeHelpers, UserError, jsonParse } from 'n8n-workflow';
import { parse as parseQueryString, stringify as stringifyQuery } from 'node:querystring';

import { createAdditionalData } from './additional-data';
import { HarnessCredentialsHelper } from './credentials-helper';
import { logCursor, logLinesSince, startExpressionEngine } from './environment';
import type { HarnessNodeTypes, LoadFrom } from './node-types';
import { loadNodeTypes } from './node-types';
import {
	copyStaticData,
	createWorkflow,
	credentialReferences,
	newestVersion,
} from './run-workflow';

/** The trigger node a webhook call or webhook method runs on, alone in its workflow. */
export interface TriggerNodeOptions {
	/** Node type: short (`kuaidi100Trigger`) or full name. */
	type: string;
	parameters?: INodeParameters;
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** The workflow's static data from the previous call. Every call returns the updated data. */
	staticData?: IDataObject;
	nodeName?: string;
	/** Name of the node's webhook to call (default 'default'). */
	webhookName?: string;
	from?: LoadFrom;
}

export interface CallWebhookOptions extends TriggerNodeOptions {
	/** Default: the webhook description's `httpMethod`. */
	method?: IHttpRequestMethods;
	/** Header names are matched case-insensitively, as HTTP does. */
	headers?: Record<string, string>;
	query?: Record<string, string | string[]>;
	/**
	 * The request body. A string or Buffer is sent as is. An object is encoded as a form
	 * when `content-type` is application/x-www-form-urlencoded, otherwise as JSON.
	 */
	body?: string | Buffer | IDataObject;
	/** 'webhook' (production URL, the default) or 'manual' (test URL). */
	mode?: Extract<WorkflowExecuteMode, 'webhook' | 'manual'>;
}

export interface WebhookResponse {
	statusCode: number;
	headers: Record<string, string>;
	body: unknown;
}

export interface CallWebhookResult {
	/** What the HTTP client receives. */
	response: WebhookResponse;
	/** Items the trigger emitted, or undefined when it started no run. */
	workflowData?: INodeExecutionData[][];
	/** Error thrown by `webhook()`, in which case n8n responds with status 500. */
	error?: ExecutionBaseError | Error;
	staticData: IDataObject;
	logs: string[];
}

/** Recording substitute for the express Response, used by nodes via `getResponseObject()`. */
class RecordingResponse {
	statusCode = 200;

	headers: Record<string, string> = {};

	body: unknown = undefined;

	finished = false;

	status(code: number) {
		this.statusCode = code;
		return this;
	}

	setHeader(name: string, value: string | number) {
		this.headers[name.toLowerCase()] = String(value);
		return this;
	}

	header(name: string, value: string | number) {
		return this.setHeader(name, value);
	}

	set(name: string, value: string | number) {
		return this.setHeader(name, value);
	}

	json(body: unknown) {
		this.headers['content-type'] ??= 'application/json; charset=utf-8';
		return this.end(body);
	}

	send(body: unknown) {
		if (typeof body === 'object' && body !== null && !Buffer.isBuffer(body)) return this.json(body);
		this.headers['content-type'] ??= 'text/html; charset=utf-8';
		return this.end(body);
	}

	end(body?: unknown) {
		if (body !== undefined) this.body = body;
		this.finished = true;
		return this;
	}
}

/** Request fields n8n's body parser leaves on the express Request before a webhook runs. */
interface HarnessRequest {
	method: string;
	url: string;
	path: string;
	headers: Record<string, string>;
	query: Record<string, string | string[]>;
	params: Record<string, string>;
	body: unknown;
	rawBody: Buffer;
	contentType?: string;
	encoding: BufferEncoding;
	readRawBody: () => Promise<void>;
	_body: boolean;
}

class BodyParseError extends Error {}

function encodeBody(body: CallWebhookOptions['body'], headers: Record<string, string>): Buffer {
	if (body === undefined) return Buffer.alloc(0);
	if (Buffer.isBuffer(body)) return body;
	if (typeof body === 'string') return Buffer.from(body, 'utf8');
	if (headers['content-type']?.startsWith('application/x-www-form-urlencoded')) {
		return Buffer.from(stringifyQuery(body as Record<string, string>), 'utf8');
	}
	headers['content-type'] ??= 'application/json';
	return Buffer.from(JSON.stringify(body), 'utf8');
}

/**
 * Parses the body like n8n's webhook body parser (packages/cli/src/middlewares/
 * body-parser.ts): JSON, form and plain text. XML and multipart are not supported and stay `{}`.
 */
function parseBody(
	rawBody: Buffer,
	contentType: string | undefined,
	encoding: BufferEncoding,
): unknown {
	if (rawBody.length === 0) return {};
	const text = rawBody.toString(encoding);
	try {
		if (contentType === 'application/json') return jsonParse(text);
		if (contentType === 'application/x-www-form-urlencoded') {
			return { ...parseQueryString(text, undefined, undefined, { maxKeys: 1000 }) };
		}
		if (contentType === 'text/plain') return text;
	} catch (error) {
		throw new BodyParseError((error as Error).message);
	}
	return {};
}

function buildRequest(options: CallWebhookOptions, method: string, path: string): HarnessRequest {
	const headers = Object.fromEntries(
		Object.entries(options.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
	);
	const rawBody = encodeBody(options.body, headers);
	headers['content-length'] = String(rawBody.length);

	const [mediaType, ...parameters] = (headers['content-type'] ?? '').split(';');
	const charset = parameters
		.map((parameter) => parameter.trim().split('='))
		.find(([name]) => name.toLowerCase() === 'charset')?.[1];
	const contentType = mediaType.trim().toLowerCase() || undefined;
	const encoding = (charset?.toLowerCase() ?? 'utf-8') as BufferEncoding;

	const query = options.query ?? {};
	const search = Object.keys(query).length > 0 ? `?${stringifyQuery(query)}` : '';
	return {
		method,
		url: `/webhook/${path}${search}`,
		path: `/webhook/${path}`,
		headers,
		query,
		params: {},
		body: parseBody(rawBody, contentType, encoding),
		rawBody,
		contentType,
		encoding,
		readRawBody: async () => {},
		_body: true,
	};
}

interface TriggerSetup {
	nodeTypes: HarnessNodeTypes;
	workflow: Workflow;
	node: INode;
	webhookDescription: IWebhookDescription;
	additionalData: IWorkflowExecuteAdditionalData;
}

function setUpTrigger(options: TriggerNodeOptions, mode: WorkflowExecuteMode): TriggerSetup {
	const nodeTypes = loadNodeTypes({ from: options.from });
	const type = nodeTypes.fullTypeName(options.type);
	const typeVersion = newestVersion(nodeTypes, type);
	const { description } = nodeTypes.getByNameAndVersion(type, typeVersion);
	const webhookName = options.webhookName ?? 'default';
	const webhookDescription = description.webhooks?.find(({ name }) => name === webhookName);
	if (!webhookDescription) {
		throw new UserError(`Node type "${type}" has no webhook named "${webhookName}"`);
	}

	const node: INode = {
		id: 'trigger-under-test',
		name: options.nodeName ?? description.defaults.name ?? options.type,
		type,
		typeVersion,
		position: [0, 0],
		// n8n gives every webhook node a UUID when it is added to a workflow.
		webhookId: '00000000-0000-4000-8000-000000000001',
		parameters: options.parameters ?? {},
		credentials: credentialReferences(options.credentials),
	};

	const { workflow, workflowData } = createWorkflow(nodeTypes, [node], {}, options.staticData);
	const credentialsHelper = new HarnessCredentialsHelper(nodeTypes, options.credentials);
	const additionalData = createAdditionalData({ credentialsHelper, mode, workflowData });
	return { nodeTypes, workflow, node, webhookDescription, additionalData };
}

/** Resolves an expression in the webhook description against the trigger node. */
function resolveDescriptionValue<T extends string | number>(
	setup: TriggerSetup,
	mode: WorkflowExecuteMode,
	value: unknown,
	fallback: T,
): string | number | boolean | unknown[] {
	const resolved = setup.workflow.expression.getSimpleParameterValue(
		setup.node,
		value as string | undefined,
		mode,
		{},
		undefined,
		fallback,
	);
	return resolved ?? fallback;
}

/** Builds the registration n8n keeps for a webhook. Call it inside an expression isolate. */
function createWebhookData(setup: TriggerSetup, mode: WorkflowExecuteMode): IWebhookData {
	const { workflow, node, webhookDescription, additionalData } = setup;
	const path = String(resolveDescriptionValue(setup, mode, webhookDescription.path, ''));
	return {
		httpMethod: String(
			resolveDescriptionValue(setup, mode, webhookDescription.httpMethod, 'GET'),
		) as IHttpRequestMethods,
		node: node.name,
		path: NodeHelpers.getNodeWebhookPath(workflow.id, node, path),
		webhookDescription,
		workflowId: workflow.id,
		workflowExecuteAdditionalData: additionalData,
		webhookId: node.webhookId,
		isTest: mode === 'manual',
	};
}

/**
 * Delivers one HTTP request to a trigger's `webhook()` through n8n-core's WebhookContext, then
 * builds the HTTP response as n8n does for responseMode 'onReceived'.
 */
export async function callWebhook(options: CallWebhookOptions): Promise<CallWebhookResult> {
	await startExpressionEngine();
	const mode = options.mode ?? 'webhook';
	const setup = setUpTrigger(options, mode);
	return await setup.workflow.expression.withIsolate(
		async () => await deliverRequest(setup, options, mode),
	);
}

async function deliverRequest(
	setup: TriggerSetup,
	options: CallWebhookOptions,
	mode: WorkflowExecuteMode,
): Promise<CallWebhookResult> {
	const { workflow, node, webhookDescription, additionalData } = setup;
	const webhookData = createWebhookData(setup, mode);
	const firstLog = logCursor();
	const finish = (result: Omit<CallWebhookResult, 'staticData' | 'logs'>): CallWebhookResult => ({
		...result,
		staticData: copyStaticData(workflow),
		logs: logLinesSince(firstLog),
	});

	let request: HarnessRequest;
	try {
		request = buildRequest(options, options.method ?? webhookData.httpMethod, webhookData.path);
	} catch (error) {
		if (!(error instanceof BodyParseError)) throw error;
		// n8n's body parser rejects the request before any node runs.
		return finish({
			response: {
				statusCode: 422,
				headers: { 'content-type': 'application/json; charset=utf-8' },
				body: { code: 422, message: 'Failed to parse request body', hint: error.message },
			},
		});
	}

	const response = new RecordingResponse();
	// Typed as express objects; the harness objects carry what n8n-core and nodes read.
	type AdditionalData = IWorkflowExecuteAdditionalData;
	additionalData.httpRequest = request as unknown as AdditionalData['httpRequest'];
	additionalData.httpResponse = response as unknown as AdditionalData['httpResponse'];

	const nodeType = setup.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	if (!nodeType.webhook) throw new UserError(`Node type "${node.type}" has no webhook() method`);
	const context = new WebhookContext(workflow, node, additionalData, mode, webhookData, [], null);

	// n8n 2.41 saves a webhook's static data only while its change flag is set. When a workflow
	// starts and n8n still has to reply (no noWebhookResponse), it builds the run's Workflow
	// first, which resets that flag on the shared data, so the webhook's changes are not saved.
	const staticDataBefore = copyStaticData(workflow);

	let result: IWebhookResponseData;
	try {
		result = await nodeType.webhook.call(context);
	} catch (error) {
		return finish({
			error: error as Error,
			response: {
				statusCode: 500,
				headers: { 'content-type': 'application/json; charset=utf-8' },
				body: { code: 500, message: 'Workflow Webhook Error: Workflow could not be started!' },
			},
		});
	}

	if (result.noWebhookResponse) {
		const { statusCode, headers, body } = response;
		return finish({ workflowData: result.workflowData, response: { statusCode, headers, body } });
	}

	const { responseMode: rawResponseMode, responseCode } = webhookDescription;
	const responseMode = resolveDescriptionValue(setup, mode, rawResponseMode, 'onReceived');
	if (result.workflowData !== undefined && responseMode !== 'onReceived') {
		// NOTE: 'lastNode' and 'responseNode' reply after downstream nodes ran.
		// The harness runs no downstream nodes.
		throw new UserError(`Response mode "${String(responseMode)}" is not supported by the harness`);
	}

	const statusCode = Number(resolveDescriptionValue(setup, mode, responseCode, 200));
	let body: unknown;
	if (result.workflowData === undefined) {
		body = result.webhookResponse ?? { message: 'Webhook call received' };
	} else {
		// Once a workflow starts, n8n 2.41 (webhook-on-received-response-extractor.js) prefers
		// the description's responseData, which defaults to the string 'firstEntryJson', over
		// webhookResponse. The harness does the same, so tests see that trap.
		const responseData = resolveDescriptionValue(setup, mode, webhookDescription.responseData, 'firstEntryJson');
		if (responseData === 'noData') {
			body = undefined;
		} else if (responseData) {
			body = responseData;
		} else {
			body = result.webhookResponse ?? { message: 'Workflow was started' };
		}
	}
	response.status(statusCode).send(body);
	const finished = finish({
		workflowData: result.workflowData,
		response: { statusCode, headers: response.headers, body: response.body },
	});
	return result.workflowData === undefined ? finished : { ...finished, staticData: staticDataBefore };
}

export interface RunWebhookMethodOptions extends TriggerNodeOptions {
	method: 'checkExists' | 'create' | 'delete';
	/** Why n8n runs the method (default 'activate'). */
	activation?: WorkflowActivateMode;
}

/**
 * Runs one of a trigger's `webhookMethods` (checkExists, create, delete) through n8n-core's
 * HookContext, as n8n does when a workflow is published or unpublished.
 */
export async function runWebhookMethod(
	options: RunWebhookMethodOptions,
): Promise<{ result: boolean | undefined; staticData: IDataObject; logs: string[] }> {
	await startExpressionEngine();
	const setup = setUpTrigger(options, 'webhook');
	const { nodeTypes, workflow, node, webhookDescription, additionalData } = setup;
	const nodeType = nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const method = nodeType.webhookMethods?.[webhookDescription.name]?.[options.method];
	if (!method) {
		throw new UserError(`Node type "${node.type}" has no webhook method "${options.method}"`);
	}

	const firstLog = logCursor();
	const result = await workflow.expression.withIsolate(async () => {
		const context = new HookContext(
			workflow,
			node,
			additionalData,
			'webhook',
			options.activation ?? 'activate',
			createWebhookData(setup, 'webhook'),
		);
		return await method.call(context);
	});
	return { result, staticData: copyStaticData(workflow), logs: logLinesSince(firstLog) };
}
