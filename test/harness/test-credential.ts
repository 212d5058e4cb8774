import { ExecuteContext, RoutingNode } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialsDecrypted,
	INode,
	INodeCredentialTestResult,
	INodeExecutionData,
	INodeType,
	INodeTypes,
} from 'n8n-workflow';
import { NodeHelpers, UnexpectedError, Workflow, createRunExecutionData } from 'n8n-workflow';

import { createAdditionalData } from './additional-data';
import { HarnessCredentialsHelper } from './credentials-helper';
import { logCursor, logLinesSince, startExpressionEngine } from './environment';
import type { LoadFrom } from './node-types';
import { loadNodeTypes } from './node-types';
import { HARNESS_WORKFLOW_ID, createWorkflowData } from './run-workflow';

// The same lodash `get` n8n applies to `responseSuccessBody` keys. lodash is installed with
// n8n-core, but its type declarations are not.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const get = require('lodash/get') as (object: unknown, path: string) => unknown;

/** Error the request helpers throw, with the HTTP response or the socket error code in `cause`. */
interface RequestFailure {
	message: string;
	cause?: { code?: string; response?: { status: number; statusText?: string } };
}

/**
 * Declarative node with one parameter whose routing is the credential's `test.request`.
 * n8n's CredentialsTester builds it from the No-Op node's description. Only the name,
 * the credential and the `temp` property matter.
 */
function createTestNodeType(
	credentialType: string,
	testRequest: ICredentialTestRequest['request'],
): INodeType {
	return {
		description: {
			displayName: 'No Operation, do nothing',
			name: 'noOp',
			group: ['organization'],
			version: 1,
			description: 'No Operation',
			defaults: { name: 'No Operation, do nothing' },
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: credentialType, required: true }],
			properties: [
				{
					displayName: 'Temp',
					name: 'temp',
					type: 'string',
					routing: { request: testRequest },
					default: '',
				},
			],
		},
	};
}

/**
 * Tests credential data the way n8n does when a user clicks "Test" on a credential
 * (CredentialsTester.testCredentials): apply the type's defaults, send its `test.request`
 * through n8n-core's RoutingNode (which resolves `$credentials` expressions and applies
 * `authenticate`), then check the `test.rules` in order.
 */
export async function testCredential(
	typeName: string,
	data: ICredentialDataDecryptedObject,
	opts: { from?: LoadFrom } = {},
): Promise<INodeCredentialTestResult & { logs: string[] }> {
	await startExpressionEngine();
	const nodeTypes = loadNodeTypes({ from: opts.from });
	const credentialType = nodeTypes.getCredentialType(typeName);
	const firstLog = logCursor();
	const done = (result: INodeCredentialTestResult) => ({ ...result, logs: logLinesSince(firstLog) });

	// NOTE: n8n also runs tests declared on nodes (`testedBy`). The harness supports only
	// `test` on the credential type, which is where this package declares them.
	if (!credentialType.test) {
		return done({ status: 'Error', message: 'No testing function found for this credential.' });
	}
	const { request, rules = [] } = credentialType.test;

	const credentialsHelper = new HarnessCredentialsHelper(nodeTypes, { [typeName]: data });
	const credentialsDecrypted: ICredentialsDecrypted = {
		id: `${typeName}-id`,
		name: typeName,
		type: typeName,
		data: credentialsHelper.applyDefaults(typeName, data),
	};

	const testNodeType = createTestNodeType(typeName, request);
	const testNodeTypes: INodeTypes = {
		getByName: () => testNodeType,
		getByNameAndVersion: (_type, version) => NodeHelpers.getVersionedNodeType(testNodeType, version),
		getKnownTypes: () => ({}),
	};
	const node: INode = {
		id: 'temp',
		name: 'Temp-Node',
		type: testNodeType.description.name,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { [typeName]: { id: credentialsDecrypted.id, name: credentialsDecrypted.name } },
	};
	const workflow = new Workflow({
		id: HARNESS_WORKFLOW_ID,
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: testNodeTypes,
	});
	const additionalData = createAdditionalData({
		credentialsHelper,
		mode: 'internal',
		workflowData: createWorkflowData([node], {}),
	});
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		'internal',
		createRunExecutionData(),
		0,
		[],
		{ main: [[{ json: {} }]] },
		{ node, data: {}, source: null },
		[],
	);

	let response: INodeExecutionData[][] | undefined;
	try {
		const routingNode = new RoutingNode(context, testNodeType, credentialsDecrypted);
		response = await workflow.expression.withIsolate(async () => await routingNode.runNode());
	} catch (caught) {
		const error = caught as RequestFailure;
		const httpResponse = error.cause?.response;
		if (httpResponse) {
			for (const rule of rules) {
				if (rule.type === 'responseCode' && httpResponse.status === rule.properties.value) {
					return done({ status: 'Error', message: rule.properties.message });
				}
			}
			if (httpResponse.status < 199 || httpResponse.status > 299) {
				return done({
					status: 'Error',
					message: httpResponse.statusText || `Received HTTP status code: ${httpResponse.status}`,
				});
			}
		} else if (error.cause?.code) {
			return done({ status: 'Error', message: error.cause.code });
		}
		return done({ status: 'Error', message: error.message.toString() });
	}

	// n8n reads only the first item of the response, whatever the response holds.
	const body = response?.[0]?.[0]?.json;
	if (body === undefined) throw new UnexpectedError('The credential test request returned no item');
	for (const rule of rules) {
		if (rule.type !== 'responseSuccessBody') continue;
		if (get(body, rule.properties.key) === rule.properties.value) {
			return done({ status: 'Error', message: rule.properties.message });
		}
	}
	return done({ status: 'OK', message: 'Connection successful!' });
}
