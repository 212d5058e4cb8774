/**
 * End-to-end checks of the packed package inside a real n8n (see setup-n8n.sh for the install).
 * Run with `npm run test:e2e`, which builds the package and installs n8n first.
 *
 * Flow: pack the repository, install the tarball into a fresh n8n user folder like a community
 * package, start the Kuaidi100 sandbox on 127.0.0.1, import a credential pointing at it, then
 *   a. run a Track workflow with `n8n execute`,
 *   b. subscribe a waybill to a Kuaidi100 Trigger's production URL, start n8n, and let the
 *      sandbox push to it,
 *   c. read the node and credential types that n8n serves to the editor.
 *
 * Environment:
 *   E2E_KEEP=1        keeps the n8n user folder (database and logs) for inspection
 *   E2E_TARBALL=path  tests this package tarball (for example one downloaded with `npm pack
 *                     n8n-nodes-kuaidi100@<version>`) instead of packing the repository
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
	DEFAULT_CACHE_DIR,
	N8nUserFolder,
	RuntimeMissingError,
	freePort,
	loadRuntime,
	nodeOutput,
	packRepository,
	stopAllOnSignals,
	type CommandResult,
	type N8nRuntime,
	type N8nServer,
	type NodeExecutionItem,
	type NodeTypeDescription,
	type WorkflowRun,
} from './n8n';
import { CheckFailure, CheckRunner, check, checkEqual } from './runner';
import {
	CREDENTIAL_TYPE,
	NODE_TYPE,
	PACKAGE_NAME,
	TOOL_TYPE,
	TRACK_WORKFLOW_ID,
	TRIGGER_TYPE,
	TRIGGER_WORKFLOW_ID,
	productionWebhookUrl,
	sandboxCredential,
	subscribeWorkflow,
	trackWorkflow,
	triggerParameters,
	triggerWorkflow,
} from './workflows';
import { FAKE_ACCOUNT, WAYBILL_NUMBERS, findCatalogueWaybill, startSandbox, type PushResult, type Sandbox } from '../sandbox';

/** Files that package.json must list under "n8n" and ship, for n8n to load the three types. */
const EXPECTED_FILES = {
	node: 'dist/nodes/Kuaidi100/Kuaidi100.node.js',
	trigger: 'dist/nodes/Kuaidi100Trigger/Kuaidi100Trigger.node.js',
	credential: 'dist/credentials/Kuaidi100Api.credentials.js',
} as const;

/** Normalised status of each basic Kuaidi100 `state` (Kuaidi100 API docs, state table). */
const STATUS_OF_STATE: Record<string, string> = {
	'0': 'in_transit',
	'1': 'picked_up',
	'2': 'problem',
	'3': 'delivered',
	'4': 'returned',
	'5': 'out_for_delivery',
	'6': 'returning',
	'7': 'transferred',
	'8': 'customs',
	'10': 'customs',
	'11': 'customs',
	'12': 'customs',
	'13': 'customs',
	'14': 'rejected',
};

/** Parent state of Kuaidi100's advanced status codes (resultv2=4), from its status-code table. */
const PARENT_STATE: Record<string, string> = {
	'101': '1',
	'102': '1',
	'103': '1',
	'1001': '0',
	'1002': '0',
	'1003': '0',
	'501': '5',
	'301': '3',
	'302': '3',
	'303': '3',
	'304': '3',
	'401': '4',
	'201': '2',
	'202': '2',
	'203': '2',
	'204': '2',
	'205': '2',
	'206': '2',
	'207': '2',
	'208': '2',
	'209': '2',
	'210': '2',
};

const NORMALISED_STATUSES = new Set([...Object.values(STATUS_OF_STATE), 'unknown', 'no_information']);

/** Keys that every item of the Track operation carries (null when Kuaidi100 sent nothing). */
const TRACK_ITEM_KEYS = [
	'trackingNumber',
	'carrierCode',
	'carrierName',
	'carrierNameEn',
	'state',
	'status',
	'isSigned',
	'eventCount',
	'eventIndex',
	'isLatest',
	'time',
	'timeRaw',
	'ftime',
	'context',
	'eventStatusCode',
	'eventStatusName',
	'eventStatus',
	'areaCode',
	'areaName',
	'areaCenter',
	'areaPinYin',
	'location',
];

/** Exact acknowledgement that makes Kuaidi100 stop retrying a push. */
const PUSH_ACKNOWLEDGEMENT = '{"result":true,"returnCode":"200","message":"成功"}';

/** Log lines that mean n8n could not load part of the package. */
const LOAD_PROBLEMS = [/Unrecognized node type/i, /Failed to load package/i, /Cannot find module/i, /Unknown credential name/i];

const TRACKED_NUMBER = WAYBILL_NUMBERS.yuantongInTransit;
const PUSHED_NUMBER = WAYBILL_NUMBERS.yuantongDelivered;

interface PackageFacts {
	/** n8n.nodes and n8n.credentials of the packed package.json. */
	declared: string[];
	missing: string[];
	hasNode: boolean;
	hasTrigger: boolean;
	hasCredential: boolean;
}

/** Everything the checks share; filled in as the run goes. */
interface RunState {
	runtime: N8nRuntime;
	folder: N8nUserFolder;
	sandbox: Sandbox;
	facts: PackageFacts;
	/** Output of every n8n command and server, scanned for load errors. */
	outputs: { label: string; text: string }[];
	server?: N8nServer;
	nodeTypes?: NodeTypeDescription[];
	triggerWebhookUrl?: string;
	triggerReady: boolean;
}

function describeMissing(facts: PackageFacts, part: keyof typeof EXPECTED_FILES): string {
	return (
		`The packed ${PACKAGE_NAME} does not ship ${EXPECTED_FILES[part]} or does not list it in package.json "n8n". ` +
		`Declared: ${facts.declared.join(', ') || 'nothing'}.`
	);
}

function presenceKey(part: keyof typeof EXPECTED_FILES): 'hasNode' | 'hasTrigger' | 'hasCredential' {
	const keys = { node: 'hasNode', trigger: 'hasTrigger', credential: 'hasCredential' } as const;
	return keys[part];
}

function recordCommand(state: RunState, result: CommandResult): void {
	state.outputs.push({ label: `n8n ${result.args.join(' ')}`, text: result.stdout + result.stderr });
}

function inspectPackage(installedDir: string): PackageFacts {
	const manifest = JSON.parse(readFileSync(join(installedDir, 'package.json'), 'utf8')) as {
		n8n?: { nodes?: string[]; credentials?: string[] };
	};
	const declared = [...(manifest.n8n?.nodes ?? []), ...(manifest.n8n?.credentials ?? [])];
	const present = (file: string) => declared.includes(file) && existsSync(join(installedDir, file));
	const missing = Object.values(EXPECTED_FILES).filter((file) => !present(file));
	return {
		declared,
		missing,
		hasNode: present(EXPECTED_FILES.node),
		hasTrigger: present(EXPECTED_FILES.trigger),
		hasCredential: present(EXPECTED_FILES.credential),
	};
}

function md5UpperHex(text: string): string {
	return createHash('md5').update(text, 'utf8').digest('hex').toUpperCase();
}

/** Kuaidi100's time format `yyyy-MM-dd HH:mm:ss` in Beijing time, as ISO 8601 with its +08:00 offset. */
function beijingIso(kuaidi100Time: string): string {
	return `${kuaidi100Time.replace(' ', 'T')}+08:00`;
}

function runError(run: WorkflowRun | undefined, command: CommandResult): string {
	const error = run?.data.resultData.error;
	if (error !== undefined) {
		return `Workflow error in node "${error.node?.name ?? '?'}": ${error.message ?? ''} ${error.description ?? ''}`.trim();
	}
	return `n8n execute exited with ${command.exitCode ?? command.signal}; last output:\n${(command.stdout + command.stderr).trimEnd().split('\n').slice(-30).join('\n')}`;
}

// --- a. Track with n8n execute --------------------------------------------------------------------

async function trackChecks(runner: CheckRunner, state: RunState): Promise<void> {
	const name = 'a. Track workflow: n8n execute succeeds';
	if (!state.facts.hasNode || !state.facts.hasCredential) {
		const reason = describeMissing(state.facts, state.facts.hasNode ? 'credential' : 'node');
		runner.fail(name, reason);
		runner.fail('a. Track items: ISO times with +08:00', reason);
		runner.fail('a. Track items: normalised statuses', reason);
		runner.fail('a. sandbox received a correctly signed query', reason);
		return;
	}

	let items: NodeExecutionItem[] = [];
	const ran = await runner.run(name, async () => {
		state.sandbox.clearRequests();
		const result = await state.folder.execute(TRACK_WORKFLOW_ID);
		recordCommand(state, result.command);
		check(result.ok && result.run !== undefined, runError(result.run, result.command));
		items = nodeOutput(result.run, 'Kuaidi100');
		const waybill = findCatalogueWaybill(TRACKED_NUMBER);
		check(waybill !== undefined, `the sandbox has no catalogue waybill ${TRACKED_NUMBER}`);
		checkEqual(items.length, waybill.events.length, 'number of items (one per event)');
	});

	await runner.run('a. Track items: ISO times with +08:00', () => {
		check(ran, 'the Track workflow did not run');
		const waybill = findCatalogueWaybill(TRACKED_NUMBER);
		check(waybill !== undefined, `the sandbox has no catalogue waybill ${TRACKED_NUMBER}`);
		items.forEach((item, index) => {
			const missingKeys = TRACK_ITEM_KEYS.filter((key) => !(key in item.json));
			check(missingKeys.length === 0, `item ${index} lacks keys ${missingKeys.join(', ')}`);
			const time = String(item.json.time);
			check(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/.test(time), `item ${index}: time ${time} is not ISO 8601 with +08:00`);
			// The default order is newest first, the order of the sandbox's catalogue.
			checkEqual(time, beijingIso(waybill.events[index].time), `item ${index} time`);
			checkEqual(item.json.timeRaw, waybill.events[index].time, `item ${index} timeRaw`);
		});
	});

	await runner.run('a. Track items: normalised statuses', () => {
		check(ran, 'the Track workflow did not run');
		const waybill = findCatalogueWaybill(TRACKED_NUMBER);
		check(waybill !== undefined, `the sandbox has no catalogue waybill ${TRACKED_NUMBER}`);
		const latest = items.filter((item) => item.json.isLatest === true);
		checkEqual(latest.length, 1, 'number of items with isLatest');
		items.forEach((item, index) => {
			checkEqual(item.json.trackingNumber, TRACKED_NUMBER, `item ${index} trackingNumber`);
			checkEqual(item.json.carrierCode, 'yuantong', `item ${index} carrierCode`);
			checkEqual(item.json.state, waybill.state, `item ${index} state`);
			checkEqual(item.json.status, STATUS_OF_STATE[waybill.state], `item ${index} status`);
			checkEqual(item.json.eventCount, waybill.events.length, `item ${index} eventCount`);
			const code = waybill.events[index].statusCode;
			checkEqual(item.json.eventStatusCode, code, `item ${index} eventStatusCode`);
			const expected = STATUS_OF_STATE[PARENT_STATE[code] ?? code] ?? 'unknown';
			checkEqual(item.json.eventStatus, expected, `item ${index} eventStatus (code ${code})`);
			check(NORMALISED_STATUSES.has(String(item.json.status)), `item ${index}: status ${String(item.json.status)} is not normalised`);
		});
	});

	await runner.run('a. sandbox received a correctly signed query', () => {
		check(ran, 'the Track workflow did not run');
		const queries = state.sandbox.requests.filter((request) => request.path === '/poll/query.do');
		checkEqual(queries.length, 1, 'number of real-time queries');
		const [query] = queries;
		checkEqual(query.method, 'POST', 'method');
		check(
			String(query.headers['content-type']).startsWith('application/x-www-form-urlencoded'),
			`content-type ${String(query.headers['content-type'])} is not a form`,
		);
		checkEqual(query.form.customer, FAKE_ACCOUNT.customer, 'customer');
		// Kuaidi100 signs upper-case hex MD5 over param + key + customer, param exactly as sent.
		checkEqual(query.form.sign, md5UpperHex(query.form.param + FAKE_ACCOUNT.key + FAKE_ACCOUNT.customer), 'sign');
		const param = JSON.parse(query.form.param) as Record<string, unknown>;
		checkEqual([param.com, param.num], ['yuantong', TRACKED_NUMBER], 'param com and num');
		checkEqual(query.returnCode, null, 'returnCode of the sandbox answer (null = success)');
	});
}

// --- b. Trigger with n8n start --------------------------------------------------------------------

/** Subscribes the pushed waybill to the trigger's production URL with the Subscribe operation. */
async function subscribeThroughNode(state: RunState, callbackUrl: string): Promise<void> {
	const workflow = subscribeWorkflow({ carrier: 'yuantong', trackingNumber: PUSHED_NUMBER, callbackUrl, resultDetail: '4' });
	await state.folder.importWorkflow(workflow);
	const result = await state.folder.execute(workflow.id);
	recordCommand(state, result.command);
	check(result.ok, `the Subscribe workflow failed: ${runError(result.run, result.command)}`);
}

async function prepareTrigger(runner: CheckRunner, state: RunState, port: number): Promise<void> {
	const name = 'b. trigger workflow imported, subscribed and published';
	const absent = (['trigger', 'node', 'credential'] as const).filter((part) => !state.facts[presenceKey(part)]);
	if (absent.length > 0) {
		runner.fail(name, describeMissing(state.facts, absent[0]));
		return;
	}
	state.triggerReady = await runner.run(name, async () => {
		const types = await state.folder.exportNodeTypes();
		const description = types.find((type) => type.name === TRIGGER_TYPE);
		check(description !== undefined, `n8n export:nodes does not list ${TRIGGER_TYPE}`);
		// Only New Events makes n8n keep the trigger's static data between pushes, which the
		// repeated-push check below relies on.
		const parameters = { ...triggerParameters(description), options: { onlyNewEvents: true } };
		await state.folder.importWorkflow(triggerWorkflow({ parameters }));
		state.triggerWebhookUrl = productionWebhookUrl(`http://127.0.0.1:${port}`, description, parameters);
		await subscribeThroughNode(state, state.triggerWebhookUrl);
		const subscription = [...state.sandbox.subscriptions.values()].find((candidate) => candidate.number === PUSHED_NUMBER);
		check(subscription !== undefined, `the sandbox has no subscription for ${PUSHED_NUMBER}`);
		checkEqual(subscription.callbackurl, state.triggerWebhookUrl, 'subscribed callback URL');
		checkEqual(subscription.salt, FAKE_ACCOUNT.salt, 'subscribed salt (from the credential)');
		await state.folder.publishWorkflow(TRIGGER_WORKFLOW_ID);
	});
}

function pushedContexts(param: string): string[] {
	const body = JSON.parse(param) as { lastResult?: { data?: { context?: string }[] } };
	return (body.lastResult?.data ?? []).map((event) => String(event.context));
}

function itemsOfExecution(run: WorkflowRun): NodeExecutionItem[] {
	return nodeOutput(run, 'Kuaidi100 Trigger');
}

function checkItemsContain(items: NodeExecutionItem[], contexts: string[]): void {
	check(items.length > 0, 'the trigger emitted no items');
	const emitted = new Set(items.map((item) => item.json.context));
	const absent = contexts.filter((context) => !emitted.has(context));
	check(
		absent.length === 0,
		`events missing from the trigger's items: ${JSON.stringify(absent)}; item keys: ${Object.keys(items[0].json).join(', ')}`,
	);
	for (const item of items) {
		checkEqual(item.json.trackingNumber, PUSHED_NUMBER, 'trackingNumber of a trigger item');
	}
}

async function triggerChecks(runner: CheckRunner, state: RunState): Promise<void> {
	const names = [
		'b. signed push acknowledged with the exact body',
		'b. push started one execution with the pushed events',
		'b. push with a wrong sign rejected, no execution',
	];
	if (!state.triggerReady || state.server === undefined) {
		const reason = !state.triggerReady ? 'the trigger workflow could not be prepared (see above)' : 'n8n did not start';
		for (const name of names) runner.fail(name, reason);
		return;
	}
	const server = state.server;
	const sandbox = state.sandbox;
	const webhookUrl = state.triggerWebhookUrl as string;

	const registered = await runner.run('b. n8n registered the production webhook of the trigger', () => server.waitForWebhook(webhookUrl));
	if (!registered) {
		for (const name of names) runner.fail(name, `n8n did not register ${webhookUrl}`);
		return;
	}

	let firstPush: PushResult | undefined;
	await runner.run(names[0], async () => {
		const result = await sandbox.push(PUSHED_NUMBER);
		firstPush = result;
		checkEqual(result.url, webhookUrl, 'push URL');
		check(result.sign !== null && result.sign === md5UpperHex(result.param + FAKE_ACCOUNT.salt), 'the sandbox did not sign the push');
		checkEqual(result.statusCode, 200, `HTTP status of the acknowledgement (body ${result.body})`);
		checkEqual(result.body, PUSH_ACKNOWLEDGEMENT, 'acknowledgement body');
	});

	await runner.run(names[1], async () => {
		check(firstPush !== undefined, 'the sandbox could not send the push');
		const executions = await server.waitForExecutions(TRIGGER_WORKFLOW_ID, 1);
		checkEqual(executions.length, 1, 'executions after one push');
		checkEqual([executions[0].status, executions[0].mode], ['success', 'webhook'], 'execution status and mode');
		const { run } = await server.execution(executions[0].id);
		checkItemsContain(itemsOfExecution(run), pushedContexts(firstPush.param));
		check(nodeOutput(run, 'Received').length > 0, 'the node after the trigger received no items');
	});

	await runner.run(names[2], async () => {
		const before = (await server.executions(TRIGGER_WORKFLOW_ID)).length;
		const logLength = server.logs.length;
		const rejected = await sandbox.push(PUSHED_NUMBER, { tamperSign: true });
		check(rejected.body !== PUSH_ACKNOWLEDGEMENT, `a push with a wrong sign was acknowledged (HTTP ${rejected.statusCode})`);
		// Kuaidi100 cannot see the rejection, so the n8n log is where an operator finds it.
		await server.waitForOutput(/reject/i, 5_000, logLength).catch(() => {
			throw new CheckFailure(`n8n logged no rejection of the push with a wrong sign; new output:\n${server.logs.slice(logLength).trim() || '(none)'}`);
		});

		// A push with a new event must start an execution. Once it has finished, a run started by
		// the rejected push, which n8n received earlier, would be listed too.
		const newEvent = NEW_SCAN;
		const events = pushedEvents([newEvent]);
		const accepted = await sandbox.push(PUSHED_NUMBER, { events, state: '5', ischeck: '0', status: 'polling' });
		checkEqual(accepted.statusCode, 200, `HTTP status of the valid push after the rejected one (body ${accepted.body})`);

		const executions = await server.waitForExecutions(TRIGGER_WORKFLOW_ID, before + 1);
		checkEqual(executions.length, before + 1, 'executions after the rejected push and one valid push');
		const newest = executions.reduce((newer, other) => (Number(other.id) > Number(newer.id) ? other : newer));
		const { run } = await server.execution(newest.id);
		checkItemsContain(
			itemsOfExecution(run).filter((item) => item.json.context === newEvent.context),
			[newEvent.context],
		);
	});
}

// --- c. n8n lists the package's types -----------------------------------------------------------

async function checkIcon(server: N8nServer, iconUrl: unknown, typeName: string): Promise<void> {
	check(iconUrl !== undefined && iconUrl !== null, `${typeName} has no iconUrl`);
	const urls = typeof iconUrl === 'string' ? [iconUrl] : Object.values(iconUrl as Record<string, string>);
	for (const url of urls) {
		const response = await server.get(`/${url.replace(/^\/+/, '')}`);
		const body = await response.text();
		checkEqual(response.status, 200, `HTTP status of ${typeName} icon ${url}`);
		check(/<svg[\s>]/.test(body), `${typeName} icon ${url} is not an SVG: ${body.slice(0, 80)}`);
	}
}

async function listingChecks(runner: CheckRunner, state: RunState): Promise<void> {
	const names = {
		node: 'c. n8n lists the Kuaidi100 node with its icon',
		trigger: 'c. n8n lists the Kuaidi100 Trigger with its icon',
		credential: 'c. n8n lists the kuaidi100Api credential with its icon',
		clean: 'c. no "Unrecognized node type" or load error in n8n output',
	};
	const server = state.server;
	if (server === undefined) {
		for (const name of Object.values(names)) runner.fail(name, 'n8n did not start');
		return;
	}

	await runner.run(names.node, async () => {
		check(state.facts.hasNode, describeMissing(state.facts, 'node'));
		state.nodeTypes ??= await server.nodeTypes();
		const node = state.nodeTypes.find((type) => type.name === NODE_TYPE);
		check(node !== undefined, `/types/nodes.json has no ${NODE_TYPE}`);
		checkEqual(node.displayName, 'Kuaidi100', 'displayName');
		check(node.credentials?.some((credential) => credential.name === CREDENTIAL_TYPE), `${NODE_TYPE} does not use ${CREDENTIAL_TYPE}`);
		await checkIcon(server, node.iconUrl, NODE_TYPE);
		// n8n adds a Tool variant for the AI Agent to every node that sets usableAsTool.
		check(
			state.nodeTypes.some((type) => type.name === TOOL_TYPE),
			`/types/nodes.json has no ${TOOL_TYPE}, the AI tool variant of a node with usableAsTool`,
		);
	});

	await runner.run(names.trigger, async () => {
		check(state.facts.hasTrigger, describeMissing(state.facts, 'trigger'));
		state.nodeTypes ??= await server.nodeTypes();
		const trigger = state.nodeTypes.find((type) => type.name === TRIGGER_TYPE);
		check(trigger !== undefined, `/types/nodes.json has no ${TRIGGER_TYPE}`);
		check(trigger.group?.includes('trigger'), `${TRIGGER_TYPE} is not in the trigger group`);
		check((trigger.webhooks ?? []).length > 0, `${TRIGGER_TYPE} declares no webhook`);
		await checkIcon(server, trigger.iconUrl, TRIGGER_TYPE);
	});

	await runner.run(names.credential, async () => {
		check(state.facts.hasCredential, describeMissing(state.facts, 'credential'));
		const credentials = await server.credentialTypes();
		const credential = credentials.find((type) => type.name === CREDENTIAL_TYPE);
		check(credential !== undefined, `/types/credentials.json has no ${CREDENTIAL_TYPE}`);
		const fields = (credential.properties ?? []).map((property) => property.name);
		const absent = ['customer', 'key', 'salt', 'baseUrl'].filter((field) => !fields.includes(field));
		check(absent.length === 0, `${CREDENTIAL_TYPE} lacks the fields ${absent.join(', ')}`);
		for (const nodeType of [NODE_TYPE, ...(state.facts.hasTrigger ? [TRIGGER_TYPE] : [])]) {
			check(credential.supportedNodes?.includes(nodeType), `${CREDENTIAL_TYPE} does not list ${nodeType} among its supported nodes`);
		}
		await checkIcon(server, credential.iconUrl, CREDENTIAL_TYPE);
	});

	await runner.run(names.clean, () => {
		const outputs = [...state.outputs, { label: 'n8n start', text: server.logs }];
		const problems = outputs.flatMap(({ label, text }) =>
			text
				.split('\n')
				.filter((line) => LOAD_PROBLEMS.some((pattern) => pattern.test(line)))
				.map((line) => `${label}: ${line.trim()}`),
		);
		check(problems.length === 0, problems.slice(0, 10).join('\n'));
	});
}

// --- main -----------------------------------------------------------------------------------------

/** A scan the catalogue waybill does not have, pushed after the rejected push. */
const NEW_SCAN = { time: '2026-05-04 09:30:00', context: '【E2E】快件已到达驿站，请凭取件码取件', statusCode: '501' };

/** A delivery scan whose text has Chinese punctuation, & and +, which form encoding must carry intact. */
const SIGNED_SCAN = { time: '2026-05-04 18:02:00', context: '快件已签收，签收人：本人 & 家人+1', statusCode: '301' };

/** Lists the catalogue waybill's events with `extra` scans on top, newest first as Kuaidi100 pushes them. */
function pushedEvents(extra: Array<typeof NEW_SCAN>): Array<typeof NEW_SCAN> {
	const waybill = findCatalogueWaybill(PUSHED_NUMBER);
	check(waybill !== undefined, `the sandbox has no catalogue waybill ${PUSHED_NUMBER}`);
	return [...extra, ...waybill.events.map(({ time, context, statusCode }) => ({ time, context, statusCode }))];
}

/**
 * Checks what depends on n8n itself between pushes: static data kept across webhook calls
 * (a repeated push emits nothing), n8n's form parsing of & and + (the sign is verified over the
 * raw value), and a monitoring-stopped push without events.
 */
async function pushStateChecks(runner: CheckRunner, state: RunState): Promise<void> {
	const names = [
		'd. repeated push with Only New Events starts no execution',
		'd. push with 签收人：本人, & and + verified and emitted intact',
		'd. abort push without events gives one monitoring-stopped item',
	];
	if (!state.triggerReady || state.server === undefined) {
		for (const name of names) runner.fail(name, 'the trigger checks could not run (see above)');
		return;
	}
	const server = state.server;
	const sandbox = state.sandbox;

	await runner.run(names[0], async () => {
		const before = (await server.executions(TRIGGER_WORKFLOW_ID)).length;
		const repeated = await sandbox.push(PUSHED_NUMBER, { events: pushedEvents([NEW_SCAN]), state: '5', ischeck: '0', status: 'polling' });
		checkEqual(repeated.body, PUSH_ACKNOWLEDGEMENT, 'acknowledgement of the repeated push');
		// A push that starts nothing leaves nothing to wait for; give n8n time to show a run if it made one.
		await new Promise((resolve) => setTimeout(resolve, 3_000));
		checkEqual((await server.executions(TRIGGER_WORKFLOW_ID)).length, before, 'executions after the repeated push');
	});

	await runner.run(names[1], async () => {
		const before = (await server.executions(TRIGGER_WORKFLOW_ID)).length;
		const pushed = await sandbox.push(PUSHED_NUMBER, { events: pushedEvents([SIGNED_SCAN, NEW_SCAN]), state: '3', ischeck: '1', status: 'shutdown' });
		checkEqual(pushed.body, PUSH_ACKNOWLEDGEMENT, 'acknowledgement of the push with & and +');
		const executions = await server.waitForExecutions(TRIGGER_WORKFLOW_ID, before + 1);
		const newest = executions.reduce((newer, other) => (Number(other.id) > Number(newer.id) ? other : newer));
		const items = itemsOfExecution((await server.execution(newest.id)).run);
		checkEqual(items.map((item) => item.json.context), [SIGNED_SCAN.context], 'contexts emitted for the push with & and +');
		checkEqual(items[0].json.status, 'delivered', 'status of the signed waybill');
	});

	await runner.run(names[2], async () => {
		const before = (await server.executions(TRIGGER_WORKFLOW_ID)).length;
		const aborted = await sandbox.push(PUSHED_NUMBER, { events: [], status: 'abort', message: '3天查询无记录' });
		checkEqual(aborted.body, PUSH_ACKNOWLEDGEMENT, 'acknowledgement of the abort push');
		const executions = await server.waitForExecutions(TRIGGER_WORKFLOW_ID, before + 1);
		const newest = executions.reduce((newer, other) => (Number(other.id) > Number(newer.id) ? other : newer));
		const items = itemsOfExecution((await server.execution(newest.id)).run);
		checkEqual(items.length, 1, 'items of the abort push');
		checkEqual(
			[items[0].json.monitorStatus, items[0].json.monitorMessage, items[0].json.monitoringStopped],
			['abort', '3天查询无记录', true],
			'monitoring fields of the abort item',
		);
	});
}

async function main(): Promise<number> {
	stopAllOnSignals();
	const runner = new CheckRunner();
	let runtime: N8nRuntime;
	try {
		runtime = loadRuntime();
	} catch (error) {
		if (!(error instanceof RuntimeMissingError)) throw error;
		runner.fail('n8n runtime installed', error.message);
		return runner.finish();
	}
	console.log(`n8n ${runtime.n8nVersion} on Node ${runtime.nodeVersion} from ${runtime.n8nDir}`);

	const tarball = process.env.E2E_TARBALL ?? packRepository(join(DEFAULT_CACHE_DIR, 'pack'));
	console.log(`package under test: ${tarball}`);
	const folder = N8nUserFolder.create(runtime);
	console.log(`n8n user folder: ${folder.path}`);
	const sandbox = await startSandbox({ port: 0 });
	console.log(`Kuaidi100 sandbox: ${sandbox.url}`);

	const state: RunState = {
		runtime,
		folder,
		sandbox,
		facts: { declared: [], missing: [], hasNode: false, hasTrigger: false, hasCredential: false },
		outputs: [],
		triggerReady: false,
	};
	let keep = process.env.E2E_KEEP === '1';

	try {
		await runner.run('package installs into the n8n user folder', () => {
			const installed = folder.installPackage(tarball);
			state.facts = inspectPackage(installed.dir);
			check(
				state.facts.missing.length === 0,
				`the package is incomplete, missing: ${state.facts.missing.join(', ')} (declared in package.json "n8n": ${state.facts.declared.join(', ') || 'nothing'}). ` +
					'Check that `npm run build` emits them; a build running at the same time empties dist/ while it runs.',
			);
		});

		const imported = await runner.run('credential and Track workflow imported', async () => {
			await folder.importCredentials([sandboxCredential(FAKE_ACCOUNT, sandbox.url)]);
			await folder.importWorkflow(trackWorkflow({ carrier: 'yuantong', trackingNumber: TRACKED_NUMBER, resultDetail: '4' }));
		});
		if (!imported) {
			state.facts.hasCredential = false;
		}

		await trackChecks(runner, state);

		const port = await freePort();
		await prepareTrigger(runner, state, port);

		await runner.run(
			'n8n start listens on 127.0.0.1',
			async () => {
				state.server = await folder.start({ port });
				const health = await fetch(`${state.server.baseUrl}/healthz`);
				checkEqual(health.status, 200, 'GET /healthz');
			},
			{ timeoutMs: 240_000 },
		);

		await listingChecks(runner, state);
		await triggerChecks(runner, state);
		await pushStateChecks(runner, state);
	} finally {
		if (state.server !== undefined) {
			await state.server.stop();
		}
		await sandbox.close();
		if (runner.failed > 0 && state.server !== undefined) {
			console.log(`\nLast lines of n8n start (full log: ${state.server.logFile}):`);
			console.log(state.server.logs.trimEnd().split('\n').slice(-25).join('\n'));
			keep = true;
		}
		if (keep) {
			console.log(`\nKept the n8n user folder: ${folder.path}`);
		} else {
			folder.remove();
		}
	}
	return runner.finish();
}

main().then(
	(code) => process.exit(code),
	(error: Error) => {
		console.error(error.stack ?? error.message);
		console.log('\n0 passed, 1 failed');
		process.exit(1);
	},
);
