/**
 * `npm run dev`: a real n8n with the freshly built package, a Kuaidi100 sandbox, a credential
 * pointing at it and sample workflows, for trying the nodes in the editor. Runs until Ctrl+C.
 *
 * Usage: tsx test/e2e/dev.ts [--port N] [--sandbox-port N]
 *   --port          editor, REST API and webhooks (default 5678)
 *   --sandbox-port  Kuaidi100 sandbox (default: a free port)
 *
 * The n8n user folder .cache/e2e/dev-user survives restarts, so the owner account and your own
 * workflows stay. The package, the credential and the sample workflows are replaced on each start.
 * Press Enter to make the sandbox push the subscribed sample waybill to the trigger.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { DEFAULT_CACHE_DIR, N8nUserFolder, loadRuntime, packRepository, type N8nServer } from './n8n';
import {
	TRIGGER_TYPE,
	TRIGGER_WORKFLOW_ID,
	productionWebhookUrl,
	sandboxCredential,
	subscribeWorkflow,
	trackWorkflow,
	triggerParameters,
	triggerWorkflow,
} from './workflows';
import { FAKE_ACCOUNT, WAYBILL_NUMBERS, startSandbox, type Sandbox } from '../sandbox';

const DEV_FOLDER = join(DEFAULT_CACHE_DIR, 'dev-user');
const OWNER_LOGIN = 'owner@e2e.invalid / E2eOwner-Passw0rd';

function portArgument(name: string, fallback: number): number {
	const index = process.argv.indexOf(name);
	if (index === -1) return fallback;
	const port = Number(process.argv[index + 1]);
	if (!Number.isInteger(port) || port < 0 || port > 65_535) {
		throw new Error(`${name} needs a port number from 0 to 65535, got ${process.argv[index + 1] ?? 'nothing'}`);
	}
	return port;
}

async function main(): Promise<void> {
	const port = portArgument('--port', 5678);
	const sandboxPort = portArgument('--sandbox-port', 0);
	const runtime = loadRuntime();

	const tarball = packRepository(join(DEFAULT_CACHE_DIR, 'pack'));
	mkdirSync(DEV_FOLDER, { recursive: true });
	const folder = N8nUserFolder.open(runtime, DEV_FOLDER);
	const installed = folder.installPackage(tarball);
	console.log(`Installed ${installed.name}@${installed.version} into ${installed.dir}`);

	let sandbox: Sandbox | undefined;
	let server: N8nServer | undefined;
	let stopping = false;
	const stop = async (code: number): Promise<void> => {
		if (stopping) return;
		stopping = true;
		console.log('\nStopping n8n and the sandbox…');
		await server?.stop();
		await sandbox?.close();
		process.exit(code);
	};
	// `on`, not `once`: Ctrl+C reaches this process twice (from the terminal and relayed by tsx),
	// and a second SIGINT without a handler would end it before n8n has stopped.
	process.on('SIGINT', () => void stop(0));
	process.on('SIGTERM', () => void stop(0));

	try {
		sandbox = await startSandbox({ port: sandboxPort, log: (line) => console.log(`[sandbox] ${line}`) });
		console.log(`Kuaidi100 sandbox on ${sandbox.url}`);

		await folder.importCredentials([sandboxCredential(FAKE_ACCOUNT, sandbox.url)]);
		await folder.importWorkflow(
			trackWorkflow({ carrier: 'yuantong', trackingNumber: WAYBILL_NUMBERS.yuantongInTransit, resultDetail: '4' }),
		);

		// The trigger workflow needs the trigger node; without it the editor still shows the rest.
		const types = await folder.exportNodeTypes();
		const trigger = types.find((type) => type.name === TRIGGER_TYPE);
		let webhookUrl: string | undefined;
		if (trigger === undefined) {
			console.log(`The package has no ${TRIGGER_TYPE}; skipping the push sample.`);
		} else {
			const parameters = triggerParameters(trigger);
			webhookUrl = productionWebhookUrl(`http://127.0.0.1:${port}`, trigger, parameters);
			await folder.importWorkflow(triggerWorkflow({ parameters }));
			const subscribe = subscribeWorkflow({
				carrier: 'yuantong',
				trackingNumber: WAYBILL_NUMBERS.yuantongDelivered,
				callbackUrl: webhookUrl,
				resultDetail: '4',
			});
			await folder.importWorkflow(subscribe);
			const result = await folder.execute(subscribe.id);
			if (!result.ok) {
				console.log(`The sample subscription failed, so Enter will not push:\n${result.command.stdout.slice(-2000)}`);
			}
			await folder.publishWorkflow(TRIGGER_WORKFLOW_ID);
		}

		server = await folder.start({ port, echo: process.stdout });
		await server.setupOwner().catch((error: Error) => {
			// A folder from an earlier run already has its owner.
			if (!/already/i.test(error.message)) throw error;
		});
		if (webhookUrl !== undefined) {
			await server.waitForWebhook(webhookUrl);
		}

		console.log('\n------------------------------------------------------------');
		console.log(`n8n editor:        ${server.baseUrl}  (log in as ${OWNER_LOGIN})`);
		console.log(`Kuaidi100 sandbox: ${sandbox.url}  (credential "Kuaidi100 sandbox" points here)`);
		if (webhookUrl !== undefined) {
			console.log(`Trigger webhook:   ${webhookUrl}`);
			console.log(`Press Enter to push waybill ${WAYBILL_NUMBERS.yuantongDelivered} to the trigger.`);
		}
		console.log('Press Ctrl+C to stop.');
		console.log('------------------------------------------------------------\n');

		const activeSandbox = sandbox;
		createInterface({ input: process.stdin }).on('line', () => {
			activeSandbox.push(WAYBILL_NUMBERS.yuantongDelivered).then(
				(result) => console.log(`[sandbox] push answered HTTP ${result.statusCode}: ${result.body}`),
				(error: Error) => console.log(`[sandbox] push failed: ${error.message}`),
			);
		});
	} catch (error) {
		console.error((error as Error).message);
		await stop(1);
	}
}

void main();
