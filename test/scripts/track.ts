/**
 * Tracks one waybill through the Kuaidi100 node running in n8n's execution
 * engine, and prints one row per event.
 *
 *   npm run track -- --carrier yuantong --number YT7100000000001
 *
 * Without KUAIDI100_CUSTOMER and KUAIDI100_KEY in the environment it starts the
 * local Kuaidi100 sandbox and tracks one of its fake waybills. With both set, it
 * calls the real Kuaidi100 API. Further flags: --phone, --output events|shipment,
 * --result-detail 1|4|8, --order desc|asc, --lang zh|en, --from, --to.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { buildIfNeeded } from './build-if-needed';

process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'kuaidi100-track-'));
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';


function pad(text: string, width: number): string {
	// CJK characters take two terminal columns.
	const columns = [...text].reduce((sum, char) => sum + (/[\u1100-\uffff]/.test(char) ? 2 : 1), 0);
	return text + ' '.repeat(Math.max(0, width - columns));
}

const USAGE = `Usage: npm run track -- [--carrier CODE] [--number NUMBER] [options]

  --carrier        Kuaidi100 code, alias or name, or auto (default yuantong)
  --number         tracking number (default YT7100000000001, a sandbox waybill)
  --phone          phone or its last 4 digits (SF Express, SF Freight, ZTO)
  --output         events | shipment (default events)
  --result-detail  "" | 1 | 4 | 8 (default 4)
  --order          desc | asc (default desc)
  --lang           zh | en (default zh)
  --from, --to     origin and destination as 省市区

Without KUAIDI100_CUSTOMER and KUAIDI100_KEY it uses the local sandbox.`;

function parseFlags() {
	return parseArgs({
		options: {
			help: { type: 'boolean', short: 'h', default: false },
			carrier: { type: 'string', default: 'yuantong' },
			number: { type: 'string', default: 'YT7100000000001' },
			phone: { type: 'string', default: '' },
			output: { type: 'string', default: 'events' },
			'result-detail': { type: 'string', default: '4' },
			order: { type: 'string', default: 'desc' },
			lang: { type: 'string', default: 'zh' },
			from: { type: 'string', default: '' },
			to: { type: 'string', default: '' },
		},
	});
}

async function main(): Promise<number> {
	let values: ReturnType<typeof parseFlags>['values'];
	try {
		({ values } = parseFlags());
	} catch (error) {
		console.error(`${(error as Error).message}\n\n${USAGE}`);
		return 2;
	}
	if (values.help) {
		console.log(USAGE);
		return 0;
	}

	buildIfNeeded();
	// Imported after the environment is set, because n8n-core reads it on load.
	const { runNode } = await import('../harness');
	const { FAKE_ACCOUNT, startSandbox } = await import('../sandbox');

	const customer = process.env.KUAIDI100_CUSTOMER;
	const key = process.env.KUAIDI100_KEY;
	const useRealApi = Boolean(customer && key);
	const sandbox = useRealApi ? undefined : await startSandbox();
	const credentials = useRealApi
		? { customer: customer!, key: key!, salt: '', baseUrl: '' }
		: { ...FAKE_ACCOUNT, baseUrl: sandbox!.url };
	console.error(useRealApi ? 'Calling the real Kuaidi100 API.' : `Using the Kuaidi100 sandbox at ${sandbox!.url}.`);

	try {
		const options: Record<string, string> = { order: values.order!, lang: values.lang! };
		if (values['result-detail']) options.resultDetail = values['result-detail'];
		if (values.from) options.from = values.from;
		if (values.to) options.to = values.to;
		const result = await runNode({
			type: 'kuaidi100',
			from: 'dist',
			parameters: {
				resource: 'tracking',
				operation: 'track',
				carrier: { __rl: true, mode: 'code', value: values.carrier },
				trackingNumber: values.number,
				phone: values.phone,
				output: values.output,
				options,
			},
			credentials: { kuaidi100Api: credentials },
		});

		if (result.error) {
			console.error(`Error: ${result.error.message}`);
			if (result.error.description) console.error(result.error.description);
			return 1;
		}
		const items = result.outputs[0] ?? [];
		if (values.output === 'shipment') {
			console.log(JSON.stringify(items.map((item) => item.json), null, 2));
			return 0;
		}
		const first = items[0]?.json;
		if (first) {
			const candidates = first.carrierCandidates as Array<{ code: string }> | null;
			if (candidates) {
				console.log(`Detected carriers, most likely first: ${candidates.map((candidate) => candidate.code).join(', ')}`);
			}
			console.log(
				`${first.carrierNameEn ?? ''} ${first.carrierName} (${first.carrierCode}) ${first.trackingNumber}: ${first.status}, ${first.eventCount} events`,
			);
		}
		console.log(` ${pad('time', 27)}${pad('status', 18)}${pad('code', 6)}event`);
		for (const { json } of items) {
			const marker = json.isLatest ? '*' : ' ';
			console.log(
				`${marker}${pad(String(json.time ?? json.timeRaw ?? '-'), 27)}${pad(String(json.eventStatus ?? '-'), 18)}${pad(String(json.eventStatusCode ?? ''), 6)}${json.context ?? json.message ?? ''}`,
			);
		}
		return 0;
	} finally {
		await sandbox?.close();
	}
}

main().then(
	(code) => process.exit(code),
	(error) => {
		// n8n reports a missing required parameter by throwing; its message is enough.
		console.error(`Error: ${(error as Error).message}`);
		if (process.env.DEBUG) console.error(error);
		process.exit(1);
	},
);
