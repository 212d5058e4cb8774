import { ExecutionLifecycleHooks, ExternalSecretsProxy } from 'n8n-core';
import type {
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { UnexpectedError } from 'n8n-workflow';

import type { HarnessCredentialsHelper } from './credentials-helper';

/**
 * Base URL of the n8n instance the harness pretends to be. Nothing listens there. It only
 * shapes URLs such as `getNodeWebhookUrl()`, which a node sends to a provider as a string.
 */
export const INSTANCE_BASE_URL = 'http://127.0.0.1:5678/';

function unsupported(feature: string): never {
	throw new UnexpectedError(`${feature} is not supported by the test harness`);
}

/**
 * Builds the additional data n8n-core passes to every node context. It contains what nodes of
 * this package can reach: credentials, URLs, lifecycle hooks and variables. Sub-workflows and
 * task runners throw if a node calls them, and AI features are absent.
 */
export function createAdditionalData(options: {
	credentialsHelper: HarnessCredentialsHelper;
	mode: WorkflowExecuteMode;
	workflowData: IWorkflowBase;
	executionId?: string;
}): IWorkflowExecuteAdditionalData {
	const executionId = options.executionId ?? 'harness-execution';
	return {
		credentialsHelper: options.credentialsHelper,
		hooks: new ExecutionLifecycleHooks(options.mode, executionId, options.workflowData),
		externalSecretsProxy: new ExternalSecretsProxy(),
		executionId,
		workflowId: options.workflowData.id,
		currentNodeExecutionIndex: 0,
		variables: {},
		restApiUrl: `${INSTANCE_BASE_URL}rest`,
		instanceBaseUrl: INSTANCE_BASE_URL,
		formBaseUrl: `${INSTANCE_BASE_URL}form`,
		formWaitingBaseUrl: `${INSTANCE_BASE_URL}form-waiting`,
		formTestBaseUrl: `${INSTANCE_BASE_URL}form-test`,
		webhookBaseUrl: `${INSTANCE_BASE_URL}webhook`,
		webhookWaitingBaseUrl: `${INSTANCE_BASE_URL}webhook-waiting`,
		webhookTestBaseUrl: `${INSTANCE_BASE_URL}webhook-test`,
		mcpBaseUrl: `${INSTANCE_BASE_URL}mcp`,
		mcpTestBaseUrl: `${INSTANCE_BASE_URL}mcp-test`,
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		logAiEvent: () => {},
		executeWorkflow: async () => unsupported('Executing a sub-workflow'),
		startRunnerTask: async () => unsupported('Running a task runner (Code node)'),
	};
}
