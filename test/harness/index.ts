/**
 * Test harness that runs this package's nodes inside n8n's real execution engine
 * (n8n-core's WorkflowExecute, node contexts, request helpers and RoutingNode), with
 * credentials served from memory. See README.md in this folder.
 */
export { prepareEnvironment, recordingLogger } from './environment';
export type { LogRecord } from './environment';
export { HarnessCredentialsHelper } from './credentials-helper';
export { HarnessNodeTypes, loadNodeTypes, toLoadPath } from './node-types';
export type { LoadFrom } from './node-types';
export { createWorkflow, createWorkflowData, runNode, runWorkflow } from './run-workflow';
export type {
	RunNodeOptions,
	RunNodeResult,
	RunWorkflowOptions,
	RunWorkflowResult,
} from './run-workflow';
export { testCredential } from './test-credential';
export { callWebhook, runWebhookMethod } from './webhook';
export type {
	CallWebhookOptions,
	CallWebhookResult,
	RunWebhookMethodOptions,
	TriggerNodeOptions,
	WebhookResponse,
} from './webhook';
