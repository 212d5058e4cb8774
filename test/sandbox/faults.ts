/** Fault injection for all sandbox endpoints, deterministic when seeded. */

export interface FaultOptions {
	/** Delay before every response, in milliseconds. */
	latencyMs?: number;
	/** Extra random delay of up to this many milliseconds. */
	latencyJitterMs?: number;
	/**
	 * Share of requests that get a "busy" HTTP 200 JSON body: returnCode 502 (服务器繁忙) on query and
	 * detection, returnCode 500 (服务器错误) on subscription, because its documented codes have no 502.
	 */
	busyRate?: number;
	/** Share of requests that get HTTP 500, 502, 503 or 504 with a proxy's HTML error page. */
	http5xxRate?: number;
	/** Share of requests whose socket is destroyed without a response. */
	resetRate?: number;
	/** Share of requests that get no response until `close()`. */
	timeoutRate?: number;
	/** Share of requests that get HTTP 200 with truncated JSON or an HTML page. */
	malformedRate?: number;
	/** Seed of the pseudo-random generator; the same seed and request order give the same faults. */
	seed?: number;
}

export type FaultKind = 'reset' | 'timeout' | 'http5xx' | 'malformed' | 'busy';

export interface FaultDecision {
	delayMs: number;
	fault: FaultKind | null;
	/** Uniform number in [0, 1) for choosing the variant of the fault (status code, body shape). */
	variant: number;
}

/** mulberry32: a small, fast 32-bit generator that is good enough for test traffic. */
function mulberry32(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
	};
}

function checkRate(name: string, value: number | undefined): number {
	const rate = value ?? 0;
	if (!(rate >= 0 && rate <= 1)) throw new RangeError(`faults.${name} must be between 0 and 1, got ${value}`);
	return rate;
}

function checkDelay(name: string, value: number | undefined): number {
	const delay = value ?? 0;
	if (!(delay >= 0 && Number.isFinite(delay))) throw new RangeError(`faults.${name} must be a non-negative number of milliseconds, got ${value}`);
	return delay;
}

export class FaultInjector {
	private random: () => number;
	private latencyMs = 0;
	private latencyJitterMs = 0;
	private thresholds: Array<[FaultKind, number]> = [];

	constructor(options: FaultOptions = {}) {
		this.random = mulberry32(0);
		this.configure(options);
	}

	/** Replaces the fault settings and restarts the generator from the seed. */
	configure(options: FaultOptions): void {
		this.latencyMs = checkDelay('latencyMs', options.latencyMs);
		this.latencyJitterMs = checkDelay('latencyJitterMs', options.latencyJitterMs);

		const rates: Array<[FaultKind, number]> = [
			['reset', checkRate('resetRate', options.resetRate)],
			['timeout', checkRate('timeoutRate', options.timeoutRate)],
			['http5xx', checkRate('http5xxRate', options.http5xxRate)],
			['malformed', checkRate('malformedRate', options.malformedRate)],
			['busy', checkRate('busyRate', options.busyRate)],
		];
		let cumulative = 0;
		this.thresholds = rates.map(([kind, rate]) => {
			cumulative += rate;
			return [kind, cumulative];
		});
		if (cumulative > 1 + 1e-9) throw new RangeError(`fault rates add up to ${cumulative}, more than 1`);

		this.random = mulberry32(options.seed ?? Math.floor(Math.random() * 0x1_0000_0000));
	}

	/** Draws the delay and the fault for the next request; always three draws, so sequences stay aligned. */
	decide(): FaultDecision {
		const jitter = this.random();
		const pick = this.random();
		const variant = this.random();
		const fault = this.thresholds.find(([, threshold]) => pick < threshold)?.[0] ?? null;
		return { delayMs: this.latencyMs + jitter * this.latencyJitterMs, fault, variant };
	}
}
