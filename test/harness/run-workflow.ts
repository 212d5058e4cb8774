import { WorkflowExecute } from 'n8n-core';
import type {
	ExecutionBaseError,
	ICredentialDataDecryptedObject,
	IConnections,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeParameters,
	IRun,
	IRunData,
	IWorkflowBase,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { UserError, Workflow, createRunExecutionData } from 'n8n-workflow';

import { createAdditionalData } from './additional-data';
import { HarnessCredentialsHelper } from './credentials-helper';
import { logCursor, logLinesSince, startExpressionEngine } from './environment';
import type { HarnessNodeTypes, LoadFrom } from './node-types';
import { loadNodeTypes } from './node-types';

export const HARNESS_WORKFLOW_ID = 'harness-workflow';

export interface RunWorkflowOptions {
	nodes: INode[];
	connections: IConnections;
	/** Name of the node the run starts at. It receives `startItems` as input. */
	startNodeName: string;
	startItems?: INodeExecutionData[];
	/** Decrypted credential data by credential type, e.g. `{ kuaidi100Api: { customer, key } }`. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	staticData?: IDataObject;
	mode?: WorkflowExecuteMode;
	from?: LoadFrom;
}

export interface RunWorkflowResult {
	run: IRun;
	workflow: Workflow;
	/** Log lines written by n8n-core and the nodes during this run. */
	logs: string[];
}

const settings = { executionOrder: 'v1' as const };

/** Returns the stored-workflow record n8n keeps next to a running `Workflow`. */
export function createWorkflowData(nodes: INode[], connections: IConnections): IWorkflowBase {
	const now = new Date();
	return {
		id: HARNESS_WORKFLOW_ID,
		name: 'Harness workflow',
		active: false,
		isArchived: false,
		activeVersionId: null,
		createdAt: now,
		updatedAt: now,
		nodes,
		connections,
		settings,
	};
}

/** Builds the `Workflow` n8n-core works on, plus its stored-workflow record. */
export function createWorkflow(
	nodeTypes: HarnessNodeTypes,
	nodes: INode[],
	connections: IConnections,
	staticData?: IDataObject,
): { workflow: Workflow; workflowData: IWorkflowBase } {
	const workflow = new Workflow({
		id: HARNESS_WORKFLOW_ID,
		name: 'Harness workflow',
		nodes,
		connections,
		active: false,
		nodeTypes,
		staticData,
		settings,
	});
	return { workflow, workflowData: createWorkflowData(nodes, connections) };
}

/** Returns a JSON copy of the workflow's static data, the form n8n saves after a run. */
export function copyStaticData(workflow: Workflow): IDataObject {
	return JSON.parse(JSON.stringify(workflow.staticData)) as IDataObject;
}

/** Returns a node's `credentials` entries. n8n looks credentials up by type, so any id works. */
export function credentialReferences(
	credentials: Record<string, ICredentialDataDecryptedObject> = {},
): NonNullable<INode['credentials']> {
	return Object.fromEntries(
		Object.keys(credentials).map((type) => [type, { id: `${type}-id`, name: type }]),
	);
}

/** Returns the version a new node of this type gets in the editor: the newest one. */
export function newestVersion(nodeTypes: HarnessNodeTypes, type: string): number {
	const nodeType = nodeTypes.getByName(type);
	if ('nodeVersions' in nodeType) return nodeType.currentVersion;
	const { version } = nodeType.description;
	return Array.isArray(version) ? Math.max(...version) : version;
}

/**
 * Runs a workflow with n8n-core's WorkflowExecute, as n8n runs a manual execution from
 * `startNodeName`. Credentials come from memory through HarnessCredentialsHelper.
 */
export async function runWorkflow(options: RunWorkflowOptions): Promise<RunWorkflowResult> {
	await startExpressionEngine();
	const nodeTypes = loadNodeTypes({ from: options.from });
	const mode = options.mode ?? 'manual';
	const { workflow, workflowData } = createWorkflow(
		nodeTypes,
		options.nodes,
		options.connections,
		options.staticData,
	);
	const startNode = workflow.getNode(options.startNodeName);
	if (!startNode) throw new UserError(`The workflow has no node named "${options.startNodeName}"`);

	const credentialsHelper = new HarnessCredentialsHelper(nodeTypes, options.credentials);
	const additionalData = createAdditionalData({ credentialsHelper, mode, workflowData });
	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [
				{
					node: startNode,
					data: { main: [options.startItems ?? [{ json: {} }]] },
					source: null,
				},
			],
		},
	});

	const firstLog = logCursor();
	const workflowExecute = new WorkflowExecute(additionalData, mode, runExecutionData);
	const run = await workflowExecute.processRunExecutionData(workflow);
	return { run, workflow, logs: logLinesSince(firstLog) };
}

export interface RunNodeOptions {
	/** Node type: the short name (`kuaidi100`) or the full one (`n8n-nodes-kuaidi100.kuaidi100`). */
	type: string;
	parameters: INodeParameters;
	/** JSON of the input items (default: one empty item). */
	input?: IDataObject[];
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	onError?: INode['onError'];
	/** Name of the Items node (default 'Orders'), so `$('Orders').item.json.x` resolves. */
	inputNodeName?: string;
	/** Name of the node under test (default: the name in its description's `defaults`). */
	nodeName?: string;
	/** Default: the newest version of the node type. */
	typeVersion?: number;
	/** The workflow's static data before the run (see `getWorkflowStaticData`). */
	staticData?: IDataObject;
	from?: LoadFrom;
}

export interface RunNodeResult {
	/** The node's outputs: 0 is the main output, 1 the error output (with continueErrorOutput). */
	outputs: INodeExecutionData[][];
	/**
	 * The node's error as n8n stores it in run data: a plain-object copy of the thrown error
	 * (`name`, `message`, `description`, `httpCode`...), so check `name`, not `instanceof`.
	 */
	error?: ExecutionBaseError;
	runData: IRunData;
	/** The workflow's static data after the run, as a JSON copy. */
	staticData: IDataObject;
	logs: string[];
}

/**
 * Runs Items -> node under test and returns the node's outputs and error. A node without
 * inputs (a trigger) runs alone and gets the input items directly.
 */
export async function runNode(options: RunNodeOptions): Promise<RunNodeResult> {
	const nodeTypes = loadNodeTypes({ from: options.from });
	const type = nodeTypes.fullTypeName(options.type);
	const typeVersion = options.typeVersion ?? newestVersion(nodeTypes, type);
	const { description } = nodeTypes.getByNameAndVersion(type, typeVersion);
	const inputNodeName = options.inputNodeName ?? 'Orders';
	const nodeName = options.nodeName ?? description.defaults.name ?? options.type;
	const input = options.input ?? [{}];

	const nodeUnderTest: INode = {
		id: 'node-under-test',
		name: nodeName,
		type,
		typeVersion,
		position: [200, 0],
		parameters: options.parameters,
		credentials: credentialReferences(options.credentials),
		...(options.onError && { onError: options.onError }),
	};

	const hasInputs = !Array.isArray(description.inputs) || description.inputs.length > 0;
	const itemsNode: INode = {
		id: 'harness-items',
		name: inputNodeName,
		type: nodeTypes.fullTypeName('harnessItems'),
		typeVersion: 1,
		position: [0, 0],
		parameters: { items: JSON.stringify(input) },
	};
	const { run, workflow, logs } = await runWorkflow({
		nodes: hasInputs ? [itemsNode, nodeUnderTest] : [nodeUnderTest],
		connections: hasInputs
			? { [inputNodeName]: { main: [[{ node: nodeName, type: 'main', index: 0 }]] } }
			: {},
		startNodeName: hasInputs ? inputNodeName : nodeName,
		startItems: hasInputs ? undefined : input.map((json) => ({ json })),
		credentials: options.credentials,
		staticData: options.staticData,
		from: options.from,
	});

	const { runData, error: runError } = run.data.resultData;
	const taskData = runData[nodeName]?.at(-1);
	return {
		outputs: (taskData?.data?.main ?? []).map((items) => items ?? []),
		error: taskData?.error ?? runError,
		runData,
		staticData: copyStaticData(workflow),
		logs,
	};
}
