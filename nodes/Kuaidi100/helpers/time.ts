const KUAIDI100_TIME = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)$/;

/**
 * Converts a Kuaidi100 time (`yyyy-MM-dd HH:mm:ss`, Beijing time without an
 * offset) to ISO 8601 with `+08:00`, independent of the n8n instance's zone.
 * Returns null for any other shape, so the raw value is never misread.
 *
 * NOTE: Kuaidi100 does not document the zone. Every published sample is a
 * mainland carrier's local time, so Asia/Shanghai (UTC+8, no DST) is assumed.
 */
export function toBeijingIso(raw: unknown): string | null {
	if (typeof raw !== 'string') {
		return null;
	}
	const match = KUAIDI100_TIME.exec(raw.trim());
	if (!match) {
		return null;
	}
	const [, date, clock] = match;
	const seconds = clock.length === 5 ? ':00' : '';
	return `${date}T${clock}${seconds}+08:00`;
}
