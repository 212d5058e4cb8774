import { sleep } from 'n8n-workflow';

/** Share of the mean response time per concurrent request that pacing keeps between departures. */
const PACING_FACTOR = 0.75;

/** Weight of the newest response time in the moving average. */
const RESPONSE_TIME_WEIGHT = 0.2;

/** Waits shorter than this are skipped, because a timer cannot wait less than 1 ms. */
const MIN_WAIT_MS = 1;

/**
 * Spaces the requests of one node execution, retries included. Callers queue in order, and each
 * leaves a minimum interval after the previous departure, measured when its timer fires. So an
 * event loop that wakes several sleepers late delays the queue instead of letting them leave
 * together. The interval is the larger of two:
 *
 * - Max Requests per Second: 1 / `perSecond` seconds. This is a token bucket with a capacity of
 *   one token. A bucket as deep as the rate would let a second's worth leave at once and the next
 *   second's right after it, twice the limit within one second.
 * - Pacing: 0.75 times the mean response time divided by the concurrency. Requests that leave
 *   together come back together, and their responses are then handled interleaved on one thread,
 *   so all of them finish late and leave together again. Spacing departures breaks that lockstep.
 *   The interval is below the natural spacing of `concurrency` requests in flight, so it only
 *   smooths bursts and leaves the throughput to the concurrency. BENCHMARKS.md shows the effect.
 */
export class RateLimiter {
	private readonly fixedIntervalMs: number;

	/** Moving average of response times in milliseconds; undefined before the first response. */
	private meanResponseMs: number | undefined;

	/** Resolves when the caller queued last has left. */
	private queueTail: Promise<void> = Promise.resolve();

	/** Epoch milliseconds of the latest departure. */
	private lastDepartureAt = Number.NEGATIVE_INFINITY;

	/** `perSecond` of 0 or less sets no rate limit; pacing applies either way. */
	constructor(
		perSecond: number,
		private readonly concurrency = 1,
	) {
		this.fixedIntervalMs = perSecond > 0 ? 1000 / perSecond : 0;
	}

	/** Waits until the next request may leave. */
	async acquire(): Promise<void> {
		if (this.intervalMs() === 0) {
			return;
		}
		const turn = this.queueTail.then(async () => {
			const waitMs = this.lastDepartureAt + this.intervalMs() - Date.now();
			if (waitMs >= MIN_WAIT_MS) {
				await sleep(waitMs);
			}
			this.lastDepartureAt = Date.now();
		});
		this.queueTail = turn;
		await turn;
	}

	/** Records how long one request took, from departure to its response or failure. */
	recordResponseTime(durationMs: number): void {
		this.meanResponseMs =
			this.meanResponseMs === undefined
				? durationMs
				: this.meanResponseMs + RESPONSE_TIME_WEIGHT * (durationMs - this.meanResponseMs);
	}

	private intervalMs(): number {
		const pacingMs = this.meanResponseMs === undefined ? 0 : (PACING_FACTOR * this.meanResponseMs) / Math.max(1, this.concurrency);
		return Math.max(this.fixedIntervalMs, pacingMs);
	}
}
