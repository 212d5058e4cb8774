/**
 * Starts the Kuaidi100 sandbox until SIGINT or SIGTERM.
 * Usage: tsx test/sandbox/cli.ts [--port N]
 */
import { EXPIRED_ACCOUNT, FAKE_ACCOUNT, FREE_ACCOUNT, startSandbox } from './index';

function parsePort(args: string[]): number {
	const index = args.indexOf('--port');
	if (index === -1) return 0;
	const port = Number(args[index + 1]);
	if (!Number.isInteger(port) || port < 0 || port > 65_535) {
		throw new Error(`--port needs a port number from 0 to 65535, got ${args[index + 1] ?? 'nothing'}`);
	}
	return port;
}

async function main(): Promise<void> {
	const sandbox = await startSandbox({ port: parsePort(process.argv.slice(2)), log: (line) => console.log(line) });

	console.log(`Base URL:  ${sandbox.url}`);
	console.log('Fake credentials (the sandbox accepts nothing else):');
	console.log(`  paid     customer ${FAKE_ACCOUNT.customer}  key ${FAKE_ACCOUNT.key}  salt ${FAKE_ACCOUNT.salt}`);
	console.log(`  expired  customer ${EXPIRED_ACCOUNT.customer}  key ${EXPIRED_ACCOUNT.key}`);
	console.log(`  free     customer ${FREE_ACCOUNT.customer}  key ${FREE_ACCOUNT.key}  (no carrier detection)`);
	console.log('Press Ctrl+C to stop.');

	const stop = (signal: string): void => {
		console.log(`${signal} received, stopping`);
		sandbox.close().then(
			() => process.exit(0),
			(error: Error) => {
				console.error(`failed to stop the sandbox: ${error.message}`);
				process.exit(1);
			},
		);
	};
	process.once('SIGINT', () => stop('SIGINT'));
	process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: Error) => {
	console.error(`Kuaidi100 sandbox failed to start: ${error.message}`);
	process.exit(1);
});
