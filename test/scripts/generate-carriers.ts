/**
 * Generates nodes/Kuaidi100/data/carriers.json from a tab-separated export of Kuaidi100's carrier
 * code table (快递公司编码).
 *
 * Usage: npx tsx test/scripts/generate-carriers.ts <carriers-with-type.tsv> [export-date]
 *
 * The TSV has the header `code, name_zh, name_en, type_zh` and one carrier per row, most used first.
 * `name_en` may be empty. `type_zh` is one of 国内运输商 (domestic carrier), 国际运输商 (international
 * carrier) or 国际邮政 (postal service). Row order is kept because it is Kuaidi100's popularity order.
 * `export-date` defaults to 2023-08-16, the date of the export the bundled table was made from, so
 * pass the date when regenerating from a newer export.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

const EXPECTED_HEADER = ['code', 'name_zh', 'name_en', 'type_zh'];
const DEFAULT_EXPORT_DATE = '2023-08-16';
const OUTPUT_PATH = resolve(__dirname, '../../nodes/Kuaidi100/data/carriers.json');

const TYPE_CODES: Record<string, string> = {
	国内运输商: 'd',
	国际运输商: 'i',
	国际邮政: 'p',
};

type CarrierRow = [code: string, nameZh: string, nameEn: string, type: string];

function cleanField(value: string): string {
	return value.replace(/\s+/g, ' ').trim();
}

function parseTable(text: string): CarrierRow[] {
	const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
	const header = lines[0].split('\t').map(cleanField);
	if (header.join('\t') !== EXPECTED_HEADER.join('\t')) {
		throw new Error(
			`Invalid header ${JSON.stringify(header)}: expected ${JSON.stringify(EXPECTED_HEADER)} (use the TSV with the type column)`,
		);
	}

	const rows: CarrierRow[] = [];
	const seenCodes = new Map<string, number>();
	for (let index = 1; index < lines.length; index++) {
		const lineNumber = index + 1;
		if (lines[index].trim() === '') continue;

		const fields = lines[index].split('\t');
		if (fields.length !== EXPECTED_HEADER.length) {
			throw new Error(`Line ${lineNumber}: expected ${EXPECTED_HEADER.length} fields, found ${fields.length}`);
		}

		// The official export has a code with a trailing space (`bridgeexpress `), so every field is trimmed.
		const [code, nameZh, nameEn, typeZh] = fields.map(cleanField);
		if (!/^[a-z0-9_]+$/.test(code)) {
			throw new Error(
				`Line ${lineNumber}: invalid carrier code ${JSON.stringify(code)}: expected lower-case letters, digits and underscores`,
			);
		}
		const firstLine = seenCodes.get(code);
		if (firstLine !== undefined) {
			throw new Error(`Line ${lineNumber}: duplicate carrier code ${code} (first on line ${firstLine})`);
		}
		seenCodes.set(code, lineNumber);

		if (nameZh === '') throw new Error(`Line ${lineNumber}: missing name_zh for ${code}`);
		const type = TYPE_CODES[typeZh];
		if (type === undefined) {
			throw new Error(`Line ${lineNumber}: unknown type_zh ${JSON.stringify(typeZh)} for ${code}`);
		}

		rows.push([code, nameZh, nameEn, type]);
	}
	return rows;
}

function renderJson(rows: CarrierRow[], exportDate: string): string {
	const metadata = {
		source: `Kuaidi100 carrier code table (快递公司编码), export dated ${exportDate}`,
		order: 'most used first; the row index is the popularity rank',
		columns: ['code', 'nameZh', 'nameEn', 'type'],
		nameEn: 'English brand name, empty when unknown',
		types: { d: 'domestic', i: 'international', p: 'postal' },
	};
	const head = JSON.stringify(metadata).slice(0, -1);

	// One carrier per line keeps the file small and its diffs readable.
	const body = rows.map((row) => JSON.stringify(row)).join(',\n');
	return `${head},"rows":[\n${body}\n]}\n`;
}

function main(): void {
	const [tsvPath, exportDate = DEFAULT_EXPORT_DATE] = process.argv.slice(2);
	if (tsvPath === undefined) {
		console.error('Usage: npx tsx test/scripts/generate-carriers.ts <carriers-with-type.tsv> [export-date]');
		process.exit(2);
	}
	if (!/^\d{4}-\d{2}-\d{2}$/.test(exportDate)) {
		console.error(`Invalid export date ${JSON.stringify(exportDate)}: expected YYYY-MM-DD`);
		process.exit(2);
	}

	const rows = parseTable(readFileSync(tsvPath, 'utf8'));
	const json = renderJson(rows, exportDate);
	writeFileSync(OUTPUT_PATH, json);

	const counts = { d: 0, i: 0, p: 0 } as Record<string, number>;
	for (const row of rows) counts[row[3]]++;
	const bytes = Buffer.byteLength(json);
	const gzipBytes = gzipSync(json).length;
	console.log(`Wrote ${OUTPUT_PATH}`);
	console.log(
		`${rows.length} carriers (domestic ${counts.d}, international ${counts.i}, postal ${counts.p}), ` +
			`${bytes} bytes, ${gzipBytes} bytes gzipped`,
	);
}

main();
